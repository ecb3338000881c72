package dev.tally.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tally.model.DataSource;
import dev.tally.model.Event;
import dev.tally.model.RedisMode;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.ValueType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one key: GET for STRING and JSON values, HGETALL for hashes. The key is the data source's
 * {@code keyPrefix} followed by the rendered key template, sent as a command argument, never as command text.
 * The connection (standalone, cluster or sentinel; TLS; database) is set up by {@link RedisSourceOptions}.
 */
public final class RedisSideReader implements SideReader {
  /** The most keys a catalog lists. */
  static final int MAX_KEYS = 100;
  /** The most SCAN round trips of one catalog (over all masters of a cluster), each asking for {@link #SCAN_COUNT} keys. */
  static final int MAX_SCANS = 20;
  static final int SCAN_COUNT = 100;
  private static final String TLS_FAILED = "Failed to create SSL connection";
  private final Redis redis;
  private final long timeoutMs;
  private final String address;
  private final DataSource dataSource;
  private final Vertx vertx;

  public RedisSideReader(Vertx vertx, DataSource dataSource) {
    this.vertx = vertx;
    this.dataSource = dataSource;
    this.timeoutMs = dataSource.timeoutOrDefault();
    this.address = RedisSourceOptions.address(dataSource);
    this.redis = Redis.createClient(vertx, RedisSourceOptions.options(dataSource, MySqlSideReader.DEFAULT_POOL_SIZE));
    // a cluster's keys live on several masters, and one batch goes to one connection
    this.batches = RedisSourceOptions.mode(dataSource) == RedisMode.CLUSTER ? null
        : new ReadBatches<>(SqlSettings.connections(dataSource), MAX_BATCH, this::sendAll);
  }

  /** The most commands sent in one batch. */
  static final int MAX_BATCH = 64;

  /** One command's answer in a batch: its reply (null for nil), or why it failed. */
  private record Answer(Response reply, Throwable error) {
  }

  private final ReadBatches<Request, Answer> batches;
  private final AtomicLong writes = new AtomicLong();

  /**
   * A read's command. Outside a cluster, the commands that wait for a connection go together, written at once on
   * one connection (a pipeline: see {@link ReadBatches}), each with its own reply.
   */
  private Future<Response> sendRead(Request request) {
    if (batches == null) return redis.send(request);
    return batches.read(request).compose(a -> a.error() == null ? Future.succeededFuture(a.reply()) : Future.failedFuture(a.error()));
  }

  /**
   * Sends the commands as one batch. The client fails a whole batch for one error reply (WRONGTYPE on one key),
   * so a failed batch is sent again command by command, and each read gets its own reply or error.
   */
  private Future<List<Answer>> sendAll(List<Request> requests) {
    if (requests.size() == 1) return one(requests.get(0)).map(Collections::singletonList);
    writes.incrementAndGet();
    return redis.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(replies -> {
          List<Answer> answers = new ArrayList<>(replies.size());
          for (Response reply : replies) answers.add(new Answer(reply, null));
          return answers;
        })
        .recover(failed -> {
          List<Future<Answer>> each = new ArrayList<>(requests.size());
          for (Request request : requests) each.add(one(request));
          return Future.join(each).map(all -> {
            List<Answer> answers = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) answers.add(all.resultAt(i));
            return answers;
          });
        });
  }

  private Future<Answer> one(Request request) {
    writes.incrementAndGet();
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(reply -> new Answer(reply, null))
        .otherwise(error -> new Answer(null, error));
  }

  /** Batches and single commands written so far (for tests). */
  long writes() {
    return writes.get();
  }

  /** For tests: see {@link ReadBatches#gatherTurns}. */
  void gatherTurns(boolean on) {
    if (batches != null) batches.gatherTurns(on);
  }

  /** Reads waiting for a batch to end (for tests). */
  int waiting() {
    return batches == null ? 0 : batches.waitingCount();
  }

  @Override
  public Future<SideRead> read(SideSpec spec, Event event) {
    long start = System.nanoTime();
    boolean hash = spec.valueType() == ValueType.HASH;
    Command command = hash ? Command.HGETALL : Command.GET;
    String verb = hash ? "HGETALL" : "GET";
    String key;
    JsonPath path;
    try {
      Template template = Template.parse(spec.key());
      TemplateValues.requirePresent(template, event.data());
      key = RedisSourceOptions.key(dataSource, template.render(event.data(), TemplateValues::plain));
      path = JsonPath.parse(spec.jsonPath());
    } catch (IllegalArgumentException | Template.MissingVariableException e) {
      return Future.succeededFuture(SideRead.failed(e.getMessage(), verb + " " + RedisSourceOptions.key(dataSource, spec.key()),
          List.of(), tookMs(start)));
    }
    String query = verb + " " + key;
    List<Object> params = List.of(key);
    return OnContext.start(vertx)
        .compose(nothing -> sendRead(Request.cmd(command).arg(key))) // a closed client may throw
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> toRead(response, spec.valueType(), path, key, query, params, start))
        .otherwise(error -> SideRead.failed(describe(error), query, params, tookMs(start)));
  }

  @Override
  public Future<Void> test() {
    return redis.send(Request.cmd(Command.PING))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(describe(error)));
  }

  /**
   * Why a read failed, on one line, naming where (a server error such as WRONGPASS does not), and never with the
   * password in it, whatever the client put in its message.
   */
  private String describe(Throwable error) {
    String message = ReadErrors.describe(error, address, timeoutMs).replace("\n- ", "; ").replace('\n', ' ');
    if (message.contains(TLS_FAILED)) {
      // the client keeps only this line of Vert.x's SSLHandshakeException, not its cause
      message = "TLS handshake with " + address + " failed: is the server's certificate signed by the CA in tlsCaFile"
          + " (else the JVM's trust store), and does it name the host Tally connects to?";
    }
    if (!message.contains(address)) message = message + " (" + address + ")";
    String password = dataSource.password();
    return password == null || password.isEmpty() ? message : message.replace(password, "***");
  }

  /**
   * Up to {@link #MAX_KEYS} keys starting with the data source's keyPrefix and {@code prefix} (both literal,
   * sent as the MATCH argument), found by SCAN in at most {@link #MAX_SCANS} round trips in all, each with its TYPE;
   * the names shown without the keyPrefix, as a side's key is written. A cluster is scanned master by master
   * (found with CLUSTER SLOTS), each on a connection of its own that is closed afterwards.
   */
  @Override
  public Future<Catalog> catalog(String of, String prefix) {
    String pattern = glob(RedisSourceOptions.key(dataSource, prefix == null ? "" : prefix)) + "*";
    Map<String, String> found = new LinkedHashMap<>();
    int[] rounds = {0};
    return OnContext.start(vertx)
        .compose(nothing -> RedisSourceOptions.mode(dataSource) == RedisMode.CLUSTER
            ? masters().compose(masters -> eachMaster(masters, 0, pattern, found, rounds))
            : list(redis, pattern, found, rounds))
        .map(truncated -> {
          List<Catalog.Entry> entries = new ArrayList<>();
          found.forEach((key, type) -> entries.add(new Catalog.Entry(withoutKeyPrefix(key), type)));
          return Catalog.of(entries, null, truncated);
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(describe(error)));
  }

  /** The masters of the cluster (host:port), from CLUSTER SLOTS. */
  private Future<List<String[]>> masters() {
    return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
      Map<String, String[]> masters = new LinkedHashMap<>();
      for (Response range : slots) {
        Response master = range.get(2);
        String host = master.get(0).toString();
        if (!host.isEmpty()) masters.putIfAbsent(host + ":" + master.get(1), new String[] {host, master.get(1).toString()});
      }
      return List.copyOf(masters.values());
    });
  }

  private Future<Boolean> eachMaster(List<String[]> masters, int i, String pattern, Map<String, String> found, int[] rounds) {
    if (i >= masters.size()) return Future.succeededFuture(false);
    if (found.size() >= MAX_KEYS || rounds[0] >= MAX_SCANS) return Future.succeededFuture(true);
    Redis node = Redis.createClient(vertx, RedisSourceOptions.node(dataSource, masters.get(i)[0], Integer.parseInt(masters.get(i)[1])));
    return list(node, pattern, found, rounds)
        .eventually(node::close)
        .compose(truncated -> truncated ? Future.succeededFuture(true) : eachMaster(masters, i + 1, pattern, found, rounds));
  }

  /** Adds the keys of one server (and their types) to {@code found}; true when some were left out. */
  private Future<Boolean> list(Redis server, String pattern, Map<String, String> found, int[] rounds) {
    Set<String> keys = new LinkedHashSet<>();
    int room = MAX_KEYS - found.size();
    return scan(server, "0", pattern, keys, room, rounds).compose(unfinished -> {
      List<String> typed = keys.stream().limit(room).toList();
      boolean truncated = unfinished || keys.size() > room;
      if (typed.isEmpty()) return Future.succeededFuture(truncated);
      return server.batch(typed.stream().map(key -> Request.cmd(Command.TYPE).arg(key)).toList()).map(types -> {
        for (int i = 0; i < typed.size(); i++) found.put(typed.get(i), String.valueOf(types.get(i)));
        return truncated;
      });
    });
  }

  /** Scans on from {@code cursor}; succeeds with true when it stopped before the end of the keyspace. */
  private Future<Boolean> scan(Redis server, String cursor, String pattern, Set<String> keys, int room, int[] rounds) {
    rounds[0]++;
    return server.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT))
        .compose(response -> {
          String next = response.get(0).toString();
          for (Response key : response.get(1)) keys.add(key.toString());
          if ("0".equals(next)) return Future.succeededFuture(false);
          if (keys.size() > room || rounds[0] >= MAX_SCANS) return Future.succeededFuture(true);
          return scan(server, next, pattern, keys, room, rounds);
        });
  }

  private String withoutKeyPrefix(String key) {
    String keyPrefix = dataSource.keyPrefix();
    return keyPrefix != null && key.startsWith(keyPrefix) ? key.substring(keyPrefix.length()) : key;
  }

  /** A glob pattern matching exactly {@code literal}: Redis's special characters escaped with a backslash. */
  static String glob(String literal) {
    StringBuilder out = new StringBuilder(literal.length() + 8);
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') out.append('\\');
      out.append(c);
    }
    return out.toString();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  /** Sends one command on this data source's connections, bounded by its time-out: a repair Tally applies itself. */
  public Future<Response> send(Request request) {
    return OnContext.start(vertx)
        .compose(nothing -> redis.send(request))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static SideRead toRead(Response response, ValueType type, JsonPath path, String key, String query,
                                 List<Object> params, long start) {
    if (type == ValueType.HASH) {
      Map<String, Object> values = hash(response);
      return values.isEmpty() ? SideRead.missing(query, params, tookMs(start))
          : SideRead.found(values, query, params, tookMs(start));
    }
    if (response == null) return SideRead.missing(query, params, tookMs(start));
    String text = response.toString();
    if (type != ValueType.JSON) {
      return SideRead.found(JsonValues.fields(text), query, params, tookMs(start));
    }
    Object document;
    try {
      document = JsonValues.parse(text);
    } catch (JsonProcessingException e) {
      return SideRead.failed("value of " + key + " is not JSON: " + JsonValues.reason(e), query, params, tookMs(start));
    }
    Optional<Object> entity = path.select(document);
    return entity.isEmpty() ? SideRead.missing(query, params, tookMs(start))
        : SideRead.found(JsonValues.fields(entity.get()), query, params, tookMs(start));
  }

  /** HGETALL answers a map (RESP3) or a flat field/value array (RESP2). A missing key is empty. */
  private static Map<String, Object> hash(Response response) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (response == null) return values;
    if (response.isMap()) {
      for (String field : response.getKeys()) values.put(field, String.valueOf(response.get(field)));
    } else {
      Iterator<Response> it = response.iterator();
      while (it.hasNext()) {
        String field = String.valueOf(it.next());
        values.put(field, it.hasNext() ? String.valueOf(it.next()) : null);
      }
    }
    return Collections.unmodifiableMap(values);
  }

  private static long tookMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
