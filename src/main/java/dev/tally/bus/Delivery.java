package dev.tally.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Pipeline messages stay on the node that made them: in a cluster the ingest, queue and result steps of a job
 * run where it was received or consumed. Only configuration changes go to every node.
 */
public final class Delivery {
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private Delivery() {
  }

  /** Local, with a longer wait: persisting a batch may queue behind others when the store is slow. */
  public static DeliveryOptions local(long timeoutMs) {
    return new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
  }
}
