package dev.tally.repair;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Diff;
import dev.tally.model.Event;
import dev.tally.model.RepairPlan;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.Task;
import dev.tally.model.ValueType;
import dev.tally.source.JsonPath;
import dev.tally.source.RedisSideReader;
import dev.tally.source.SideReaders;
import dev.tally.store.ConfigCache;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;

/**
 * Suggests the repair of a FAIL with {@link RepairPlanner}. When the right side is a JSON entity at a jsonPath
 * inside a Redis value, the whole value is read once more first, so the plan can rewrite it with the rest kept.
 */
public final class RepairSuggester {
  private final ConfigCache config;
  private final SideReaders readers;

  public RepairSuggester(ConfigCache config, SideReaders readers) {
    this.config = config;
    this.readers = readers;
  }

  public Future<RepairPlan> suggest(Task task, Event event, SideRead left, SideRead right, List<Diff> diffs) {
    SideSpec spec = task.right();
    DataSource target = spec == null ? null : config.dataSource(spec.dataSourceId());
    DataSourceKind kind = target == null ? null : target.kind();
    if (!needsWholeValue(kind, spec, right)) return Future.succeededFuture(RepairPlanner.plan(task, kind, event, left, right, diffs));
    String key = String.valueOf(right.params().get(0));
    return Future.<Void>succeededFuture()
        .compose(nothing -> ((RedisSideReader) readers.reader(target)).send(Request.cmd(Command.GET).arg(key)))
        .map(value -> RepairPlanner.plan(task, kind, event, left, right, diffs, true, value == null ? null : value.toString()))
        .otherwise(err -> RepairPlan.none(kind, target.id(), "the value of " + key + " could not be read again: " + err.getMessage()));
  }

  private boolean needsWholeValue(DataSourceKind kind, SideSpec spec, SideRead right) {
    if (kind != DataSourceKind.REDIS || spec.valueType() != ValueType.JSON || right.params().isEmpty()) return false;
    try {
      return !JsonPath.parse(spec.jsonPath()).isRoot();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
