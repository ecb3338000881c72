package dev.tally.api;

import dev.tally.bus.Addresses;
import dev.tally.bus.Messages.ConfigChanged;
import dev.tally.source.SideReaders;
import dev.tally.store.AlertRepository;
import dev.tally.store.AuthRepository;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.ConfigCache;
import dev.tally.store.ConfigRepository;
import dev.tally.store.JobRepository;
import dev.tally.store.ResultRepository;
import dev.tally.strategy.StrategyChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** What the route classes share. */
record ApiContext(Vertx vertx, ConfigRepository config, ConfigCache cache, SideReaders readers,
                  ResultRepository results, JobRepository jobs, BinlogPositionRepository binlogPositions, StrategyChain chain,
                  int maxEventsPerPost, AlertRepository alerts, AuthRepository auth, TeamRules teams) {

  /** After a configuration write: this node's cache is fresh before the answer, other nodes are told. */
  Future<Void> configChanged(String kind, String id) {
    return cache.reload().onSuccess(v -> vertx.eventBus().publish(Addresses.CONFIG_CHANGED, new ConfigChanged(kind, id)));
  }
}
