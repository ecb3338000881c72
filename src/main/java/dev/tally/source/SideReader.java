package dev.tally.source;

import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.Future;

/**
 * Reads one entity from one data source, without blocking. One instance per configured data source,
 * holding its connection pool. Thread-safe: compare verticles share it.
 *
 * <p>Contract of {@link #read}: the future succeeds with {@link SideRead#found}, {@link SideRead#missing},
 * or {@link SideRead#failed} (connection error, time-out, several rows where one was expected, a value that
 * does not fit its column, a missing template variable). It fails only on a bug. Values from the event are
 * always bound as parameters or encoded, never spliced into a query or command.
 */
public interface SideReader {
  Future<SideRead> read(SideSpec spec, Event event);

  /** Checks that the source answers (and credentials work). Fails with a message saying what failed. */
  Future<Void> test();

  /**
   * Lists what this source holds, for the task form: tables (and the columns of {@code of}), keys matching
   * {@code prefix}, or indices (and the fields of {@code of}). Fails with a message saying what failed (never
   * a secret). By default the kind cannot list anything.
   *
   * @param of a table or index whose columns or fields are wanted; null for none
   * @param prefix only keys or tables starting with it (a literal, not a pattern); null or empty for all
   */
  default Future<Catalog> catalog(String of, String prefix) {
    return Future.succeededFuture(Catalog.unsupported("this kind of data source cannot list what it holds"));
  }

  Future<Void> close();
}
