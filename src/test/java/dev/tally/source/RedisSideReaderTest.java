package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import dev.tally.model.ValueType;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real Redis on 127.0.0.1:6379. */
class RedisSideReaderTest extends SideReaderContractTest {
  private final String prefix = "tally:test:" + UUID.randomUUID() + ":";
  private Redis admin;
  private RedisSideReader reader;

  /**
   * A database of this class's own: the key catalog's SCAN is bounded, and database 0 of the shared Redis may hold
   * many keys of other tests (or of a benchmark), past which a bounded scan would stop before these.
   */
  private static final int DB = 13;

  static DataSource dataSource(int port) {
    return dataSource(port, 2000);
  }

  static DataSource dataSource(int port, int timeoutMs) {
    return new DataSource("ds-redis", "redis", DataSourceKind.REDIS, "127.0.0.1", port, null, null, null,
        DB, null, null, timeoutMs, 2, null, null, null, null, null, null, null, 0L, 0L);
  }

  /** How long the batching tests pause the server; their reader's time-out is well past it. */
  private static final int PAUSE_MS = 3000;

  @BeforeAll
  void createKeys() {
    admin = Redis.createClient(vertx, "redis://127.0.0.1:6379/" + DB);
    set("str:1", "hello");
    set("json:1", "{\"order\": {\"id\": 1, \"amount\": 12.50, \"tags\": [\"a\"]}, \"total\": 3, \"gone\": null}");
    set("json:bad", "{not json");
    Await.result(admin.send(Request.cmd(Command.HSET).arg(prefix + "hash:1").arg("id").arg("1").arg("amount").arg("12.50")));
    reader = new RedisSideReader(vertx, dataSource(6379));
  }

  private void set(String key, String value) {
    Await.result(admin.send(Request.cmd(Command.SET).arg(prefix + key).arg(value)));
  }

  @AfterAll
  void deleteKeys() {
    if (reader != null) Await.result(reader.close());
    Await.result(admin.send(Request.cmd(Command.DEL).arg(prefix + "str:1").arg(prefix + "json:1")
        .arg(prefix + "json:bad").arg(prefix + "hash:1")));
    Await.result(admin.close());
  }

  @Override
  protected SideReader reader() {
    return reader;
  }

  @Override
  protected SideReader unreachableReader() {
    return new RedisSideReader(vertx, dataSource(1));
  }

  @Test
  void aTimedOutReadAnswersOnTheEventLoopThatAskedForIt() throws Exception {
    assertTimeOutAnswersOnTheAskingEventLoop(port -> new RedisSideReader(vertx, dataSource(port)));
  }

  @Override
  protected SideSpec spec() {
    return spec("str:#{id}", ValueType.STRING, null);
  }

  @Override
  protected Object foundId() {
    return 1;
  }

  @Override
  protected Object missingId() {
    return 999;
  }

  private SideSpec spec(String key, ValueType type, String jsonPath) {
    return new SideSpec("ds-redis", null, null, null, prefix + key, type, null, null, null, jsonPath);
  }

  private SideRead read(String key, ValueType type, String jsonPath, Object id) {
    return read(reader, spec(key, type, jsonPath), Map.of("id", id));
  }

  /**
   * Reads, the connection test and the key catalog use only GET, HGETALL, TYPE, SCAN, PING (and CLUSTER SLOTS in
   * cluster mode): an ACL user allowed nothing else (beyond the connection hand-shake) does all of them, and cannot
   * write, so the test would fail if the reader sent any other command.
   */
  @Test
  void readsUseOnlyAFixedReadOnlySetOfCommands() {
    String user = "tally_ro_" + UUID.randomUUID().toString().substring(0, 8);
    Await.result(admin.send(Request.cmd(Command.ACL).arg("SETUSER").arg(user).arg("reset").arg("on").arg(">ro-" + user)
        .arg("~*").arg("-@all").arg("+get").arg("+hgetall").arg("+type").arg("+scan").arg("+ping").arg("+cluster|slots")
        .arg("+hello").arg("+auth").arg("+select").arg("+client|setname")));
    DataSource limited = new DataSource("ds-redis", "redis", DataSourceKind.REDIS, "127.0.0.1", 6379, null, user, "ro-" + user,
        DB, null, null, 2000, 2, null, null, null, null, null, null, null, 0L, 0L);
    RedisSideReader readOnly = new RedisSideReader(vertx, limited);
    try {
      Await.result(readOnly.test());
      SideRead str = read(readOnly, new SideSpec("ds-redis", null, null, List.of(), prefix + "str:#{id}", ValueType.STRING, null, null, null, null),
          Map.of("id", 1));
      assertNull(str.error());
      SideRead hash = read(readOnly, new SideSpec("ds-redis", null, null, List.of(), prefix + "hash:#{id}", ValueType.HASH, null, null, null, null),
          Map.of("id", 1));
      assertNull(hash.error());
      assertTrue(hash.found());
      assertTrue(Await.result(readOnly.catalog(prefix + "hash:1", prefix)).toString().contains("hash:1"));
      Throwable write = Await.failure(readOnly.send(Request.cmd(Command.SET).arg(prefix + "ro:probe").arg("x")));
      assertTrue(write.getMessage().contains("NOPERM"), write.getMessage());
    } finally {
      Await.result(readOnly.close());
      Await.result(admin.send(Request.cmd(Command.ACL).arg("DELUSER").arg(user)));
    }
  }

  @Test
  void stringValueIsTheSingleFieldDollar() {
    SideRead read = read("str:#{id}", ValueType.STRING, null, 1);
    assertEquals(Map.of("$", "hello"), read.values());
    assertEquals("GET " + prefix + "str:1", read.query());
    assertEquals(List.of(prefix + "str:1"), read.params());
  }

  @Test
  void jsonValueWholeOrAtAPath() {
    SideRead whole = read("json:#{id}", ValueType.JSON, null, 1);
    assertTrue(whole.found());
    assertEquals(3, whole.values().get("total"));

    SideRead order = read("json:#{id}", ValueType.JSON, "$.order", 1);
    assertEquals(1, order.values().get("id"));
    assertEquals(new BigDecimal("12.50"), order.values().get("amount"));
    assertEquals(List.of("a"), order.values().get("tags"));

    assertEquals(Map.of("$", 3), read("json:#{id}", ValueType.JSON, "total", 1).values());
  }

  @Test
  void jsonPathAbsentOrNullIsMissing() {
    SideRead absent = read("json:#{id}", ValueType.JSON, "$.order.customer", 1);
    assertNull(absent.error());
    assertFalse(absent.found());
    assertFalse(read("json:#{id}", ValueType.JSON, "$.gone", 1).found());
    assertFalse(read("json:#{id}", ValueType.JSON, "$.order", 999).found());
  }

  @Test
  void valueThatIsNotJsonFailsTheSide() {
    SideRead read = read("json:#{id}", ValueType.JSON, null, "bad");
    assertTrue(read.error().startsWith("value of " + prefix + "json:bad is not JSON"), read.error());
  }

  @Test
  void hashFoundAndMissing() {
    SideRead read = read("hash:#{id}", ValueType.HASH, null, 1);
    assertEquals(Map.of("id", "1", "amount", "12.50"), read.values());
    assertEquals("HGETALL " + prefix + "hash:1", read.query());
    SideRead missing = read("hash:#{id}", ValueType.HASH, null, 2);
    assertNull(missing.error());
    assertFalse(missing.found());
  }

  /**
   * Starts {@code reads} on a reader of two connections while the server is paused, so all but the first two wait
   * for a connection; answers them all once the pause ends.
   */
  private List<SideRead> whilePaused(RedisSideReader batching, List<SideSpec> specs, List<Object> ids) {
    Await.result(admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(PAUSE_MS).arg("ALL")));
    List<io.vertx.core.Future<SideRead>> started = new java.util.ArrayList<>();
    for (int i = 0; i < ids.size(); i++) started.add(batching.read(specs.get(i), event(Map.of("id", ids.get(i)))));
    long deadline = System.currentTimeMillis() + PAUSE_MS;
    while (batching.waiting() < ids.size() - 2 && System.currentTimeMillis() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    assertEquals(ids.size() - 2, batching.waiting(), "reads waiting for a connection");
    return started.stream().map(Await::result).toList();
  }

  @Test
  void readsWaitingForAConnectionAreSentTogetherEachWithItsOwnReply() {
    RedisSideReader batching = new RedisSideReader(vertx, dataSource(6379, 10 * PAUSE_MS));
    // which commands go alone is exact only without the gathering of a loop's turn (see commandsOfOneTurn...)
    batching.gatherTurns(false);
    try {
      assertTrue(read(batching, spec(), Map.of("id", 1)).found());
      long before = batching.writes();
      List<SideSpec> specs = new java.util.ArrayList<>();
      List<Object> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        specs.add(i % 2 == 0 ? spec("str:#{id}", ValueType.STRING, null) : spec("hash:#{id}", ValueType.HASH, null));
        ids.add(i % 4 < 2 ? 1 : 2);
      }
      List<SideRead> done = whilePaused(batching, specs, ids);
      for (int i = 0; i < 40; i++) {
        SideRead read = done.get(i);
        assertNull(read.error(), read.error());
        if (i % 4 == 0) assertEquals(Map.of("$", "hello"), read.values());
        if (i % 4 == 1) assertEquals(Map.of("id", "1", "amount", "12.50"), read.values());
        if (i % 4 >= 2) assertFalse(read.found(), "key " + read.query());
        assertEquals(List.of(prefix + (i % 2 == 0 ? "str:" : "hash:") + ids.get(i)), read.params());
      }
      assertEquals(2 + 1, batching.writes() - before, "two commands alone, then the 38 others in one batch");
    } finally {
      Await.result(batching.close());
    }
  }

  @Test
  void commandsOfOneTurnAreSentTogetherThoughConnectionsAreFree() throws Exception {
    RedisSideReader reader = new RedisSideReader(vertx, dataSource(6379, 10 * PAUSE_MS));
    try {
      assertTrue(read(reader, spec(), Map.of("id", 1)).found());
      long before = reader.writes();
      java.util.concurrent.CompletableFuture<List<SideRead>> done = new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(v -> {
        List<io.vertx.core.Future<SideRead>> started = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) started.add(reader.read(spec(), event(Map.of("id", i % 2 == 0 ? 1 : 2))));
        io.vertx.core.Future.all(started).onComplete(all -> done.complete(started.stream().map(io.vertx.core.Future::result).toList()));
      });
      List<SideRead> reads = done.get(10, java.util.concurrent.TimeUnit.SECONDS);
      for (int i = 0; i < 10; i++) assertEquals(i % 2 == 0, reads.get(i).found(), "read " + i);
      assertEquals(1, reader.writes() - before, "ten commands of one turn, one write");
    } finally {
      Await.result(reader.close());
    }
  }

  @Test
  void anErrorReplyInABatchFailsOnlyItsOwnRead() {
    RedisSideReader batching = new RedisSideReader(vertx, dataSource(6379, 10 * PAUSE_MS));
    // which commands go alone is exact only without the gathering of a loop's turn (see commandsOfOneTurn...)
    batching.gatherTurns(false);
    try {
      long before = batching.writes();
      List<SideSpec> specs = new java.util.ArrayList<>();
      List<Object> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        specs.add(i == 6 ? spec("str:#{id}", ValueType.HASH, null) : spec("str:#{id}", ValueType.STRING, null));
        ids.add(1);
      }
      List<SideRead> done = whilePaused(batching, specs, ids);
      for (int i = 0; i < 10; i++) {
        if (i == 6) {
          assertTrue(done.get(i).error().contains("WRONGTYPE"), done.get(i).error());
        } else {
          assertEquals(Map.of("$", "hello"), done.get(i).values(), String.valueOf(done.get(i).error()));
        }
      }
      assertEquals(2 + 1 + 8, batching.writes() - before, "the failed batch sent again command by command");
    } finally {
      Await.result(batching.close());
    }
  }

  @Test
  void wrongTypeFailsTheSide() {
    SideRead read = read("str:#{id}", ValueType.HASH, null, 1);
    assertTrue(read.failed());
    assertTrue(read.error().contains("WRONGTYPE"), read.error());
  }

  @Test
  void keyValuesAreOneArgumentNeverCommands() {
    SideRead read = read("str:#{id}", ValueType.STRING, null, "1\r\nDEL " + prefix + "str:1\r\n");
    assertNull(read.error());
    assertFalse(read.found());
    assertTrue(read("str:#{id}", ValueType.STRING, null, 1).found(), "the key must still be there");
  }
}
