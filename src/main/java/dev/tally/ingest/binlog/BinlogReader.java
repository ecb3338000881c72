package dev.tally.ingest.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import dev.tally.model.Event;
import dev.tally.store.BinlogPositionRepository;
import dev.tally.store.BinlogPositionRepository.Position;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the binlog of one MySQL/MariaDB server for the row changes of one table, as a replica would, and hands
 * them over one transaction at a time: WRITE_ROWS → INSERT, UPDATE_ROWS → UPDATE ({@code data} after,
 * {@code before} before), DELETE_ROWS → DELETE ({@code data} the deleted row).
 *
 * <p>At least once: at the end of each transaction with changes of the table (XID, or a COMMIT/ROLLBACK query for
 * non-transactional tables) the reader blocks in {@link Sink#accept} until the events are persisted, then saves
 * the position after the transaction. On any failure (connection, schema lookup, sink, store) it disconnects,
 * backs off and starts again from the saved position, so an unsaved transaction is read again. Event ids are
 * {@code binlog:<file>:<position of the rows event>:<row index>}: a replay makes the same ids, hence the same
 * jobs. With no saved position it starts at the current end of the binlog and saves that position at once.
 *
 * <p>The binlog client blocks, so each reader runs on a thread of its own ({@link #start()}); the sink, the
 * column lookup and the position store are called on that thread and may block. {@link #close()} stops it.
 * Requires binlog_format=ROW (binlog_row_image=FULL for whole rows). Not supported: MySQL binlog transaction
 * compression and MariaDB log_bin_compress for the table's events (the reader stops with an error rather
 * than miss changes).
 */
public final class BinlogReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);

  /**
   * What to read and how to connect. {@code serverId} is the replica id the reader registers with; it must
   * differ from the server's own and from every other replica's (see {@link #defaultServerId}).
   */
  public record Settings(String eventSourceId, String host, int port, String user, String password, long serverId,
                         String database, String table) {
    public Settings {
      if (eventSourceId == null || host == null || user == null || database == null || table == null) {
        throw new IllegalArgumentException("eventSourceId, host, user, database and table are required");
      }
      password = password == null ? "" : password;
      if (serverId <= 0 || serverId > 0xFFFFFFFFL) throw new IllegalArgumentException("serverId must be 1..4294967295");
    }

    /** A replica id derived from the event source id, in [2^30, 2^31): stable, and unlikely to clash. */
    public static long defaultServerId(String eventSourceId) {
      CRC32 crc = new CRC32();
      crc.update(eventSourceId.getBytes(StandardCharsets.UTF_8));
      return (1L << 30) + (crc.getValue() & ((1L << 30) - 1));
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "Settings[eventSourceId=" + eventSourceId + ", host=" + host + ", port=" + port + ", user=" + user
          + ", password=" + (password.isEmpty() ? "" : "***") + ", serverId=" + serverId + ", table=" + database + "."
          + table + "]";
    }
  }

  /** The columns of a table, from information_schema.COLUMNS ordered by ORDINAL_POSITION. */
  @FunctionalInterface
  public interface ColumnLookup {
    /** Called on the reader's thread, may block; an empty list means there is no such table. */
    List<BinlogColumn> columns(String database, String table) throws Exception;
  }

  /** Where the events of a transaction go. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Returns only once the events are persisted (their jobs queued); throws if they are not, and the reader
     * reads them again. Called on the reader's thread; interrupted when the reader closes.
     */
    void accept(List<Event> events) throws Exception;
  }

  /**
   * Timings and limits. {@code storeTimeoutMs} bounds each position read/write; the backoff between
   * reconnects doubles from {@code minBackoffMs} to {@code maxBackoffMs}; a transaction with more than
   * {@code maxBatchEvents} changes of the table is handed over in parts of that size (its position is saved
   * after the last part); the position after transactions without changes of the table is saved at most every
   * {@code idleSaveIntervalMs}; {@code heartbeatMs} is the server's heartbeat period while the binlog is
   * quiet, and a connection silent for three of them is dropped and made again.
   */
  public record Options(long storeTimeoutMs, long minBackoffMs, long maxBackoffMs, int maxBatchEvents,
                        long idleSaveIntervalMs, long heartbeatMs, long connectTimeoutMs) {
    public static Options defaults() {
      return new Options(10_000, 500, 30_000, 1000, 10_000, 5_000, 10_000);
    }
  }

  private final Settings settings;
  private final ColumnLookup columnLookup;
  private final Sink sink;
  private final BinlogPositionRepository positions;
  private final Options options;
  private volatile boolean closed;
  private volatile BinaryLogClient client;
  private volatile boolean connected;
  private volatile Throwable lastError;
  private Thread thread;

  public BinlogReader(Settings settings, ColumnLookup columnLookup, Sink sink, BinlogPositionRepository positions,
                      Options options) {
    this.settings = settings;
    this.columnLookup = columnLookup;
    this.sink = sink;
    this.positions = positions;
    this.options = options;
  }

  public BinlogReader(Settings settings, ColumnLookup columnLookup, Sink sink, BinlogPositionRepository positions) {
    this(settings, columnLookup, sink, positions, Options.defaults());
  }

  public Settings settings() {
    return settings;
  }

  /** Starts the reader's thread. Once only. */
  public synchronized void start() {
    if (thread != null) throw new IllegalStateException("already started");
    if (closed) throw new IllegalStateException("closed");
    thread = new Thread(this::run, "tally-binlog-" + settings.eventSourceId());
    thread.setDaemon(true);
    thread.start();
  }

  /** True while connected to the server and reading. */
  public boolean isConnected() {
    return connected;
  }

  /** Why the last connection ended, or null. */
  public Throwable lastError() {
    return lastError;
  }

  /**
   * Stops the reader and waits (up to 30 s) for its thread to end. A transaction not yet handed over and saved
   * is read again by the next reader. Blocks: never call it on an event loop.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    if (t == null) return;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    t.interrupt(); // ends a wait in the sink, the store or a backoff
    while (t.isAlive() && System.nanoTime() < deadline) {
      disconnect(client);
      try {
        t.join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (t.isAlive()) LOG.warn("binlog reader of event source {} did not stop within 30 s", settings.eventSourceId());
  }

  private void run() {
    long backoff = options.minBackoffMs();
    while (!closed) {
      Session session = null;
      try {
        Position start = await(positions.get(settings.eventSourceId()));
        if (closed) break;
        BinaryLogClient c = newClient(start);
        session = new Session(c, start);
        client = c;
        if (closed) break;
        LOG.info("binlog reader of event source {}: connecting to {}:{} for {}.{} from {}", settings.eventSourceId(),
            settings.host(), settings.port(), settings.database(), settings.table(), start == null ? "the end of the binlog" : start);
        c.connect(); // blocks until disconnected
        if (session.failure != null) throw session.failure;
        if (!closed) throw new IOException("disconnected by the server");
      } catch (Throwable e) {
        if (closed) break;
        lastError = e;
        if (session != null && session.progressed) backoff = options.minBackoffMs();
        // a stack trace only for the unexpected (a bug), not for a lost connection or a reason this class gives
        boolean expected = e instanceof IOException || e instanceof InterruptedException || e instanceof IllegalStateException
            || e instanceof IllegalArgumentException;
        LOG.warn("binlog reader of event source {} ({}:{} {}.{}) stopped: {}; reconnecting from the saved position in {} ms",
            settings.eventSourceId(), settings.host(), settings.port(), settings.database(), settings.table(),
            describe(e), backoff, expected ? null : e);
      } finally {
        connected = false;
        client = null;
      }
      if (!sleep(backoff)) break;
      backoff = Math.min(backoff * 2, options.maxBackoffMs());
    }
    LOG.info("binlog reader of event source {} stopped", settings.eventSourceId());
  }

  private BinaryLogClient newClient(Position start) {
    BinaryLogClient c = new BinaryLogClient(settings.host(), settings.port(), settings.user(), settings.password());
    c.setServerId(settings.serverId());
    c.setEventDeserializer(BinlogRowDecoder.eventDeserializer());
    c.setKeepAlive(false); // reconnects are ours: always from the saved position, never from the client's own
    c.setConnectTimeout(options.connectTimeoutMs());
    c.setHeartbeatInterval(options.heartbeatMs());
    c.setSSLMode(SSLMode.DISABLED);
    int readTimeout = (int) Math.min(Integer.MAX_VALUE, Math.max(options.heartbeatMs() * 3, options.connectTimeoutMs()));
    c.setSocketFactory(() -> {
      Socket socket = new Socket();
      socket.setSoTimeout(readTimeout); // a connection gone silent (not even a heartbeat) fails the read
      return socket;
    });
    if (start != null) {
      c.setBinlogFilename(start.file());
      c.setBinlogPosition(start.position());
    }
    return c;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(message)) {
      message = message + " (" + cause.getMessage() + ")";
    }
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Backoff on the reader's own blocking thread (never an event loop). */
  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(options.storeTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void disconnect(BinaryLogClient c) {
    if (c == null) return;
    try {
      c.disconnect();
    } catch (IOException | RuntimeException e) {
      LOG.debug("binlog client disconnect: {}", e.getMessage());
    }
  }

  private enum Mapped { OURS, OTHER }

  private record TableState(Mapped mapped, String database, String table, BinlogRowDecoder decoder) {
  }

  /** One connection: its listeners run on the reader's thread, inside {@link BinaryLogClient#connect()}. */
  private final class Session extends BinaryLogClient.AbstractLifecycleListener implements BinaryLogClient.EventListener {
    private final BinaryLogClient client;
    private final Position start;
    private final Map<Long, TableState> tables = new HashMap<>();
    private List<Event> pending = new ArrayList<>();
    private String file;
    private boolean inTransaction;
    private boolean handedOver; // part of the current transaction is already with the sink
    private boolean oursInTransaction; // the current transaction mapped our table
    private long lastSavedAt;
    private long rowsEventPosition = -1;
    private int rowIndex;
    volatile Throwable failure;
    volatile boolean progressed;

    Session(BinaryLogClient client, Position start) {
      this.client = client;
      this.start = start;
      this.file = start == null ? null : start.file();
      this.lastSavedAt = System.currentTimeMillis();
      client.registerLifecycleListener(this);
      client.registerEventListener(this);
    }

    @Override
    public void onConnect(BinaryLogClient c) {
      if (closed) {
        fail(new InterruptedException("closed"));
        return;
      }
      try {
        if (file == null) file = c.getBinlogFilename();
        if (start == null) {
          // the reader starts at the end of the binlog: save that, so a restart resumes here, not at a later end
          save(new Position(c.getBinlogFilename(), c.getBinlogPosition()));
        }
        connected = true;
        LOG.info("binlog reader of event source {}: reading {}.{} at {}:{} as replica {}", settings.eventSourceId(),
            settings.database(), settings.table(), c.getBinlogFilename(), c.getBinlogPosition(), settings.serverId());
      } catch (Exception e) {
        fail(e);
      }
    }

    @Override
    public void onCommunicationFailure(BinaryLogClient c, Exception ex) {
      if (failure == null) failure = ex;
    }

    @Override
    public void onEventDeserializationFailure(BinaryLogClient c, Exception ex) {
      // the client would skip the event and go on: stop instead, an event of the table may be lost otherwise
      fail(ex);
    }

    @Override
    public void onEvent(com.github.shyiko.mysql.binlog.event.Event event) {
      if (failure != null) return;
      try {
        if (closed || Thread.currentThread().isInterrupted()) throw new InterruptedException("closed");
        EventHeaderV4 header = event.getHeader();
        handle(header.getEventType(), event.getData(), header);
      } catch (Throwable e) {
        fail(e);
      }
    }

    private void fail(Throwable e) {
      if (failure == null) failure = e;
      connected = false;
      disconnect(client); // from the client's own thread: closes the socket, connect() then returns
    }

    private void handle(EventType type, EventData data, EventHeaderV4 header) throws Exception {
      switch (type) {
        case ROTATE -> file = ((RotateEventData) data).getBinlogFilename();
        case TABLE_MAP -> tableMap((TableMapEventData) data);
        case MARIADB_GTID -> {
          // a MariaDB event group: a transaction unless standalone (DDL, or a statement of its own)
          inTransaction = (((MariadbGtidEventData) data).getFlags() & MariadbGtidEventData.FL_STANDALONE) == 0;
        }
        case XID -> endOfTransaction(header.getNextPosition());
        case QUERY -> query((QueryEventData) data, header);
        case XA_PREPARE -> endOfTransaction(header.getNextPosition());
        case TRANSACTION_PAYLOAD -> payload((TransactionPayloadEventData) data, header);
        case UNKNOWN -> {
          if (oursInTransaction) {
            throw new IllegalStateException("an event of a type this reader does not know (compressed rows,"
                + " MariaDB log_bin_compress?) in a transaction on " + settings.database() + "." + settings.table()
                + " at " + file + ":" + header.getPosition());
          }
        }
        default -> {
          if (EventType.isRowMutation(type)) rows(type, data, header);
        }
      }
    }

    private void query(QueryEventData data, EventHeaderV4 header) throws Exception {
      String sql = data.getSql() == null ? "" : data.getSql().trim();
      String word = sql.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      switch (word) {
        case "BEGIN" -> inTransaction = true;
        case "COMMIT", "ROLLBACK" -> {
          // in a transaction: its end (a non-transactional table's changes stay even on ROLLBACK);
          // ROLLBACK TO SAVEPOINT is not an end
          if (!sql.toUpperCase(Locale.ROOT).startsWith("ROLLBACK TO")) endOfTransaction(header.getNextPosition());
        }
        case "SAVEPOINT", "RELEASE" -> {
        }
        case "XA" -> {
          // XA START ... XA END, XA_PREPARE (handed over there), then XA COMMIT / XA ROLLBACK on its own
          String upper = sql.toUpperCase(Locale.ROOT);
          if (upper.startsWith("XA START") || upper.startsWith("XA BEGIN")) {
            inTransaction = true;
          } else if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
            endOfTransaction(header.getNextPosition());
          }
        }
        default -> {
          tables.clear(); // DDL may have changed a table: look its columns up again at its next TABLE_MAP
          if (!inTransaction) endOfTransaction(header.getNextPosition());
        }
      }
    }

    /** MySQL 8 binlog transaction compression: the library decodes the inner events without our modes. */
    private void payload(TransactionPayloadEventData data, EventHeaderV4 header) throws Exception {
      for (com.github.shyiko.mysql.binlog.event.Event inner : data.getUncompressedEvents()) {
        if (inner.getData() instanceof TableMapEventData map && isOurs(map)) {
          throw new IllegalStateException("a compressed transaction (binlog_transaction_compression=ON) changes "
              + settings.database() + "." + settings.table() + " at " + file + ":" + header.getPosition()
              + ": not supported, turn binlog_transaction_compression off");
        }
      }
      endOfTransaction(header.getNextPosition());
    }

    private boolean isOurs(TableMapEventData map) {
      return settings.database().equalsIgnoreCase(map.getDatabase()) && settings.table().equalsIgnoreCase(map.getTable());
    }

    private void tableMap(TableMapEventData map) throws Exception {
      TableState known = tables.get(map.getTableId());
      if (known != null && known.database().equals(map.getDatabase()) && known.table().equals(map.getTable())) {
        if (known.mapped() == Mapped.OURS) oursInTransaction = true;
        return;
      }
      if (!isOurs(map)) {
        tables.put(map.getTableId(), new TableState(Mapped.OTHER, map.getDatabase(), map.getTable(), null));
        return;
      }
      oursInTransaction = true;
      List<BinlogColumn> columns = columnsOf(map);
      tables.put(map.getTableId(), new TableState(Mapped.OURS, map.getDatabase(), map.getTable(), new BinlogRowDecoder(columns)));
    }

    /**
     * The table's columns as they were when the rows were written. information_schema has them as they are now:
     * with binlog_row_metadata=FULL the binlog names its columns, so they are picked by name (rows written
     * before an ADD COLUMN still decode); without names the column counts must agree, or the reader stops
     * rather than put values under the wrong names.
     */
    private List<BinlogColumn> columnsOf(TableMapEventData map) throws Exception {
      String where = map.getDatabase() + "." + map.getTable() + " at " + file;
      List<BinlogColumn> now = columnLookup.columns(map.getDatabase(), map.getTable());
      if (now == null || now.isEmpty()) {
        throw new IllegalStateException("table " + where + " has no columns in information_schema (dropped since?)");
      }
      int inBinlog = map.getColumnTypes().length;
      List<String> names = map.getEventMetadata() == null ? null : map.getEventMetadata().getColumnNames();
      if (names != null && names.size() == inBinlog) {
        Map<String, BinlogColumn> byName = new HashMap<>();
        for (BinlogColumn c : now) byName.put(c.name().toLowerCase(Locale.ROOT), c);
        List<BinlogColumn> out = new ArrayList<>(inBinlog);
        for (String name : names) {
          BinlogColumn c = byName.get(name.toLowerCase(Locale.ROOT));
          if (c == null) {
            throw new IllegalStateException("column " + name + " of table " + where
                + " is no longer in the table (dropped or renamed since): the reader cannot decode these rows");
          }
          out.add(c);
        }
        return out;
      }
      if (now.size() != inBinlog) {
        throw new IllegalStateException("table " + where + " has " + now.size() + " columns now but " + inBinlog
            + " in the binlog: its schema changed since these rows were written, and without"
            + " binlog_row_metadata=FULL the binlog does not name its columns: the reader cannot decode these rows");
      }
      return now;
    }

    private void rows(EventType type, EventData data, EventHeaderV4 header) throws Exception {
      long tableId;
      if (data instanceof WriteRowsEventData w) {
        tableId = w.getTableId();
      } else if (data instanceof UpdateRowsEventData u) {
        tableId = u.getTableId();
      } else if (data instanceof DeleteRowsEventData d) {
        tableId = d.getTableId();
      } else {
        throw new IllegalStateException("rows event " + type + " without rows data at " + file + ":" + header.getPosition());
      }
      TableState table = tables.get(tableId);
      if (table == null) {
        throw new IllegalStateException("rows event for table id " + tableId + " without its TABLE_MAP at " + file + ":" + header.getPosition());
      }
      if (table.mapped() != Mapped.OURS) return;
      long position = header.getPosition();
      if (position != rowsEventPosition) {
        rowsEventPosition = position;
        rowIndex = 0;
      }
      long occurredAt = header.getTimestamp();
      BinlogRowDecoder decoder = table.decoder();
      if (data instanceof WriteRowsEventData w) {
        for (Serializable[] row : w.getRows()) {
          add("INSERT", decoder.decode(row, w.getIncludedColumns()), null, position, occurredAt);
        }
      } else if (data instanceof UpdateRowsEventData u) {
        for (Map.Entry<Serializable[], Serializable[]> row : u.getRows()) {
          add("UPDATE", decoder.decode(row.getValue(), u.getIncludedColumns()),
              decoder.decode(row.getKey(), u.getIncludedColumnsBeforeUpdate()), position, occurredAt);
        }
      } else {
        DeleteRowsEventData d = (DeleteRowsEventData) data;
        for (Serializable[] row : d.getRows()) {
          add("DELETE", decoder.decode(row, d.getIncludedColumns()), null, position, occurredAt);
        }
      }
    }

    private void add(String op, Map<String, Object> data, Map<String, Object> before, long position, long occurredAt)
        throws Exception {
      String id = "binlog:" + file + ":" + position + ":" + rowIndex++;
      pending.add(new Event(id, settings.eventSourceId(), op, data, before, occurredAt, System.currentTimeMillis()));
      if (pending.size() >= options.maxBatchEvents()) {
        handOver();
        handedOver = true;
      }
    }

    private void handOver() throws Exception {
      List<Event> batch = List.copyOf(pending);
      pending = new ArrayList<>();
      sink.accept(batch);
    }

    private void endOfTransaction(long nextPosition) throws Exception {
      boolean changes = !pending.isEmpty() || handedOver;
      if (!pending.isEmpty()) handOver();
      long now = System.currentTimeMillis();
      if (nextPosition > 0 && file != null && (changes || now - lastSavedAt >= options.idleSaveIntervalMs())) {
        save(new Position(file, nextPosition));
        lastSavedAt = now;
      }
      handedOver = false;
      oursInTransaction = false;
      inTransaction = false;
      progressed = true;
    }

    private void save(Position position) throws Exception {
      await(positions.save(settings.eventSourceId(), position));
    }
  }
}
