package dev.tally.source;

import dev.tally.model.DataSource;
import dev.tally.net.OutboundPolicy;
import dev.tally.model.Event;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.secrets.SecretBox;
import dev.tally.secrets.SecretRefs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One reader (and so one connection pool) per data source, shared by every compare verticle. A data source
 * whose {@code updatedAt} changed gets a new reader; the old one is closed, and a read still running on it
 * ends as a failed side, which the task's retry strategy takes care of.
 */
public final class SideReaders {
  private record Entry(long updatedAt, SideReader reader) {
  }

  private final Vertx vertx;
  private final OutboundPolicy outbound;
  private final Map<String, Entry> readers = new ConcurrentHashMap<>();

  public SideReaders(Vertx vertx) {
    this(vertx, OutboundPolicy.DEFAULT);
  }

  /** @param outbound where HTTP data sources, Elasticsearch hosts and everything else Tally calls out to may go */
  public SideReaders(Vertx vertx, OutboundPolicy outbound) {
    this.vertx = vertx;
    this.outbound = outbound;
  }

  /** The node's outbound policy, for the other callers out (API tasks, callbacks, alerts) and for validation. */
  public OutboundPolicy outbound() {
    return outbound;
  }

  /** The reader for {@code dataSource}, created on first use. Creating one does not connect yet. */
  public SideReader reader(DataSource dataSource) {
    List<SideReader> stale = new ArrayList<>(1);
    Entry entry = readers.compute(dataSource.id(), (id, current) -> {
      if (current != null && current.updatedAt() == dataSource.updatedAt()) return current;
      if (current != null) stale.add(current.reader());
      return new Entry(dataSource.updatedAt(), create(dataSource));
    });
    stale.forEach(SideReader::close);
    return entry.reader();
  }

  /** The same reader once it is made (a reader whose secrets come from files is made on a worker thread). */
  public Future<SideReader> ready(DataSource dataSource) {
    SideReader reader = reader(dataSource);
    return reader instanceof DeferredSideReader deferred ? deferred.made() : Future.succeededFuture(reader);
  }

  /** Drops and closes the reader of a data source that was changed or deleted. */
  public Future<Void> invalidate(String dataSourceId) {
    Entry entry = readers.remove(dataSourceId);
    return entry == null ? Future.succeededFuture() : entry.reader().close();
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (String id : List.copyOf(readers.keySet())) closing.add(invalidate(id));
    return Future.join(closing).mapEmpty();
  }

  /**
   * A reader for one data source, not cached: for a connection test of settings not yet saved. A {@code file:}
   * secret reference is read on a worker thread, before the first use, never on the caller's event loop.
   */
  public SideReader create(DataSource stored) {
    if (readsFiles(stored)) {
      return new DeferredSideReader(vertx.executeBlocking(() -> createResolved(stored), false));
    }
    return createResolved(stored);
  }

  private SideReader createResolved(DataSource stored) {
    DataSource dataSource;
    try {
      dataSource = resolved(stored);
    } catch (SecretRefs.UnresolvedSecretException e) {
      return new UnresolvedSideReader(e.getMessage());
    }
    return switch (dataSource.kind()) {
      case MYSQL -> new MySqlSideReader(vertx, dataSource);
      case REDIS -> new RedisSideReader(vertx, dataSource);
      case HTTP -> new HttpSideReader(vertx, dataSource, outbound);
      case POSTGRES -> new PostgresSideReader(vertx, dataSource);
      case ELASTICSEARCH -> new ElasticsearchSideReader(vertx, dataSource, outbound);
    };
  }

  /** The data source with its secret references ({@code env:}, {@code file:}) replaced by what they stand for. */
  static DataSource resolved(DataSource d) {
    SecretRefs refs = SecretRefs.SYSTEM;
    if (!SecretBox.isReference(d.password()) && !SecretBox.isReference(d.apiKey())
        && d.headers().values().stream().noneMatch(SecretBox::isReference)) {
      return d;
    }
    return d.withSecrets(refs.resolve(d.password()), refs.resolve(d.apiKey()), refs.resolveAll(d.headers()));
  }

  private static boolean readsFiles(DataSource d) {
    return isFileRef(d.password()) || isFileRef(d.apiKey()) || d.headers().values().stream().anyMatch(SideReaders::isFileRef);
  }

  private static boolean isFileRef(String value) {
    return value != null && value.startsWith(SecretRefs.FILE);
  }

  /** A reader made on a worker thread (its secrets read from files): every call waits for it first. */
  private record DeferredSideReader(Future<SideReader> made) implements SideReader {
    @Override
    public Future<SideRead> read(SideSpec spec, Event event) {
      return made.compose(reader -> reader.read(spec, event));
    }

    @Override
    public Future<Void> test() {
      return made.compose(SideReader::test);
    }

    @Override
    public Future<Catalog> catalog(String of, String prefix) {
      return made.compose(reader -> reader.catalog(of, prefix));
    }

    @Override
    public Future<Void> close() {
      return made.compose(SideReader::close, err -> Future.succeededFuture());
    }
  }

  /** The reader of a data source whose secret reference does not resolve: every read and test fails, naming it. */
  private record UnresolvedSideReader(String reason) implements SideReader {
    @Override
    public Future<SideRead> read(SideSpec spec, Event event) {
      return Future.failedFuture(reason);
    }

    @Override
    public Future<Void> test() {
      return Future.failedFuture(reason);
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
