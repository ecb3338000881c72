package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.auth.Role;
import dev.tally.config.TallyConfig;
import dev.tally.model.Json;
import dev.tally.store.StoreFixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What each role of each team may do, on a closed node whose two teams, payments and orders, each check a MariaDB
 * table against Redis copies and have a real FAIL (with its discrepancy) and a waiting job. Every route is one row
 * of {@link #ROUTES}: a route added to the API is one line here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamsRoleMatrixTest {
  /** What a team holds: its objects and the FAIL its task found. */
  record TeamObjects(String team, String mysql, String redis, String source, String task, String delayed,
                     String channel, String result, String eventId, String discrepancy) {
    String fill(String path) {
      return path.replace("{mysql}", mysql).replace("{redis}", redis).replace("{source}", source)
          .replace("{task}", task).replace("{delayed}", delayed).replace("{channel}", channel)
          .replace("{result}", result).replace("{discrepancy}", discrepancy);
    }
  }

  /**
   * One route, asked of the payments team's objects. {@code needs}: the least role that may use it; {@code ok}: its
   * answer then (0: a destructive call, only asked of those who may not). {@code byId}: names one object, so
   * another team's user gets 404; else (a create into payments) 403.
   */
  record Route(String method, String path, String body, Role needs, int ok, boolean byId) {
    String name() {
      return method + " " + path;
    }
  }

  static final String TASK_BODY = """
      {"name": "%s", "eventSourceId": "%s", "type": "CONFIG", %s
       "left":  {"dataSourceId": "%s", "table": "%s", "where": "id = #{id}", "fields": ["id", "status"]},
       "right": {"dataSourceId": "%s", "key": "%s:#{id}", "valueType": "JSON"},
       "compare": [{"left": "status", "right": "status"}]}
      """;
  static final String REDIS_BODY = "{\"name\":\"cache\",\"kind\":\"REDIS\",\"host\":\"127.0.0.1\",\"port\":6379%s}";
  static final String MYSQL_BODY = "{\"name\":\"db\",\"kind\":\"MYSQL\",\"host\":\"127.0.0.1\",\"port\":3306,"
      + "\"database\":\"test\",\"user\":\"root\",\"password\":\"\"%s}";
  static final String CHANNEL_BODY = "{\"name\":\"hook\",\"kind\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:9/hook\"%s}";

  static final List<Route> ROUTES = List.of(
      new Route("GET", "/api/v1/event-sources/{source}", null, Role.VIEWER, 200, true),
      new Route("PUT", "/api/v1/event-sources/{source}", "{\"name\":\"payments\",\"kind\":\"API\"}", Role.ADMIN, 200, true),
      new Route("DELETE", "/api/v1/event-sources/{source}", null, Role.ADMIN, 409, true),
      new Route("POST", "/api/v1/event-sources", "{\"name\":\"more\",\"kind\":\"API\",\"team\":\"payments\"}", Role.ADMIN, 201, false),
      new Route("GET", "/api/v1/data-sources/{mysql}", null, Role.VIEWER, 200, true),
      new Route("PUT", "/api/v1/data-sources/{redis}", REDIS_BODY.formatted(""), Role.ADMIN, 200, true),
      new Route("DELETE", "/api/v1/data-sources/{mysql}", null, Role.ADMIN, 409, true),
      new Route("POST", "/api/v1/data-sources/{redis}/test", "", Role.OPERATOR, 200, true),
      new Route("GET", "/api/v1/data-sources/{redis}/catalog?prefix=none-", null, Role.OPERATOR, 200, true),
      new Route("POST", "/api/v1/data-sources", REDIS_BODY.formatted(",\"team\":\"payments\""), Role.ADMIN, 201, false),
      new Route("GET", "/api/v1/tasks/{task}", null, Role.VIEWER, 200, true),
      new Route("GET", "/api/v1/tasks/{task}/stats", null, Role.VIEWER, 200, true),
      new Route("PUT", "/api/v1/tasks/{task}", "@task", Role.ADMIN, 200, true),
      new Route("DELETE", "/api/v1/tasks/{delayed}", null, Role.ADMIN, 0, true),
      new Route("POST", "/api/v1/tasks/{task}/try", "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}", Role.OPERATOR, 200, true),
      new Route("POST", "/api/v1/tasks", "@task", Role.ADMIN, 201, false),
      new Route("GET", "/api/v1/alert-channels/{channel}", null, Role.VIEWER, 200, true),
      new Route("PUT", "/api/v1/alert-channels/{channel}", CHANNEL_BODY.formatted(""), Role.ADMIN, 200, true),
      new Route("POST", "/api/v1/alert-channels/{channel}/test", "", Role.OPERATOR, 200, true),
      new Route("DELETE", "/api/v1/alert-channels/{channel}", null, Role.ADMIN, 0, true),
      new Route("POST", "/api/v1/alert-channels", CHANNEL_BODY.formatted(",\"team\":\"payments\""), Role.ADMIN, 201, false),
      new Route("GET", "/api/v1/results/{result}", null, Role.VIEWER, 200, true),
      new Route("POST", "/api/v1/results/{result}/rerun", "", Role.OPERATOR, 202, true),
      new Route("GET", "/api/v1/discrepancies/{discrepancy}", null, Role.VIEWER, 200, true),
      new Route("PUT", "/api/v1/discrepancies/{discrepancy}/triage", "{\"state\":\"acknowledged\"}", Role.OPERATOR, 200, true));

  /** Lists and the object of each team they hold: a payments user sees payments' and never orders'. */
  static final List<String[]> LISTS = List.of(
      new String[] {"/api/v1/event-sources", "{source}"},
      new String[] {"/api/v1/data-sources", "{mysql}"},
      new String[] {"/api/v1/tasks", "{task}"},
      new String[] {"/api/v1/alert-channels", "{channel}"},
      new String[] {"/api/v1/results", "{result}"},
      new String[] {"/api/v1/results?status=FAIL", "{result}"},
      new String[] {"/api/v1/discrepancies", "{discrepancy}"},
      new String[] {"/api/v1/jobs", "{delayed}"});

  static TallyInProcess tally;
  static AuthFixture users;
  static Services services;
  static String table;
  static ApiClient owner;
  static ApiClient bothAdmin;
  static Map<Role, ApiClient> payments;
  static ApiClient ordersAdmin;
  static TeamObjects pay;
  static TeamObjects ord;

  @BeforeAll
  static void setUp() throws Exception {
    TallyConfig.Store store = StoreFixture.h2();
    tally = TallyInProcess.closed(new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store,
        new TallyConfig.Queue("local", 64, 3000), 2, 1000));
    users = new AuthFixture(tally.vertx, store);
    users.team("payments");
    users.team("orders");
    owner = tally.api.withBearer(users.userToken("olivia", true, Map.of()));
    payments = Map.of(
        Role.VIEWER, tally.api.withBearer(users.userToken("pam-viewer", false, Map.of("payments", Role.VIEWER))),
        Role.OPERATOR, tally.api.withBearer(users.userToken("pete-operator", false, Map.of("payments", Role.OPERATOR))),
        Role.ADMIN, tally.api.withBearer(users.userToken("paula-admin", false, Map.of("payments", Role.ADMIN))));
    ordersAdmin = tally.api.withBearer(users.userToken("oscar-admin", false, Map.of("orders", Role.ADMIN)));
    bothAdmin = tally.api.withBearer(users.userToken("bea-both", false, Map.of("payments", Role.ADMIN, "orders", Role.ADMIN)));
    services = new Services(tally.vertx);
    table = services.prefix + "_accounts";
    services.sql("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, status VARCHAR(20))");
    pay = team(payments.get(Role.ADMIN), "payments", 1);
    ord = team(ordersAdmin, "orders", 2);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (services != null) {
      services.sql("DROP TABLE IF EXISTS " + table);
      services.close();
    }
    if (users != null) users.close();
    if (tally != null) tally.close();
  }

  /** A team's objects, made by its admin without naming the team, and a real FAIL of its task on row {@code row}. */
  static TeamObjects team(ApiClient admin, String team, long row) throws Exception {
    String mysql = made(admin.post("/api/v1/data-sources", MYSQL_BODY.formatted("")), team);
    String redis = made(admin.post("/api/v1/data-sources", REDIS_BODY.formatted("")), team);
    String source = made(admin.post("/api/v1/event-sources", "{\"name\":\"" + team + "\",\"kind\":\"API\"}"), team);
    String keys = services.prefix + ":" + team;
    String task = made(admin.post("/api/v1/tasks", TASK_BODY.formatted(team, source, "", mysql, table, redis, keys)), team);
    String delayed = made(admin.post("/api/v1/tasks", TASK_BODY.formatted(team + "-later", source,
        "\"strategy\": {\"delayMs\": 600000},", mysql, table, redis, keys)), team);
    String channel = made(admin.post("/api/v1/alert-channels", CHANNEL_BODY.formatted("")), team);

    services.sql("REPLACE INTO " + table + " (id, status) VALUES (" + row + ", 'ACTIVE')");
    services.redis("SET", keys + ":" + row, "{\"id\":" + row + ",\"status\":\"LOCKED\"}");
    ApiClient.Response posted = owner.post("/api/v1/events/" + source, "{\"op\":\"UPDATE\",\"data\":{\"id\":" + row + "}}");
    assertEquals(202, posted.status(), posted.text());
    JsonNode fails = owner.await("/api/v1/results?status=FAIL&taskId=" + task, r -> r.get("items").size() == 1, Duration.ofSeconds(20));
    JsonNode found = owner.await("/api/v1/discrepancies?taskId=" + task, r -> r.get("items").size() == 1, Duration.ofSeconds(5));
    owner.await("/api/v1/jobs?taskId=" + delayed, r -> r.get("items").size() == 1, Duration.ofSeconds(5));
    JsonNode fail = fails.at("/items/0");
    return new TeamObjects(team, mysql, redis, source, task, delayed, channel, fail.get("id").asText(),
        fail.get("eventId").asText(), found.at("/items/0/id").asText());
  }

  /** The id of what a create answered, after checking it landed in {@code team}. */
  static String made(ApiClient.Response r, String team) {
    assertEquals(201, r.status(), r.text());
    assertEquals(team, r.body().get("team").asText(), "a create without a team goes to the admin's only team: " + r.text());
    return r.id();
  }

  static ApiClient.Response call(ApiClient client, Route route, TeamObjects on) throws Exception {
    String path = on.fill(route.path());
    String body = "@task".equals(route.body())
        ? TASK_BODY.formatted("again", on.source(), "\"team\": \"" + on.team() + "\",", on.mysql(), table, on.redis(), "k")
        : route.body();
    return switch (route.method()) {
      case "GET" -> client.get(path);
      case "POST" -> client.post(path, body);
      case "PUT" -> client.put(path, body);
      case "DELETE" -> client.delete(path);
      default -> throw new IllegalArgumentException(route.method());
    };
  }

  @Test
  @Order(1)
  void reportsSumOnlyTheCallersTasks() throws Exception {
    ApiClient viewer = payments.get(Role.VIEWER);
    long ownerAll = total(owner, "/api/v1/reports?period=day");
    long ownerOrders = total(owner, "/api/v1/reports?period=day&taskId=" + ord.task());
    long viewerAll = total(viewer, "/api/v1/reports?period=day");
    assertTrue(ownerOrders >= 1, "orders has its FAIL");
    assertEquals(total(owner, "/api/v1/reports?period=day&taskId=" + pay.task()), viewerAll);
    assertEquals(ownerAll - ownerOrders, viewerAll, "the overall report of a payments user leaves out orders");
    assertEquals(0, total(viewer, "/api/v1/reports?period=day&taskId=" + ord.task()), "another team's task reports nothing");

    ApiClient.Response csv = viewer.get("/api/v1/reports.csv?period=day");
    assertEquals(200, csv.status(), csv.text());
    long csvTotal = csv.text().lines().skip(1).mapToLong(line -> Long.parseLong(line.split(",")[7])).sum();
    assertEquals(viewerAll, csvTotal, csv.text());
  }

  static long total(ApiClient client, String path) throws Exception {
    ApiClient.Response r = client.get(path);
    assertEquals(200, r.status(), r.text());
    long sum = 0;
    for (JsonNode item : r.body().get("items")) sum += item.get("total").asLong();
    return sum;
  }

  @Test
  @Order(2)
  void everyRouteChecksTheRoleInTheObjectsTeam() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Route route : ROUTES) {
      expect(wrong, route, "anonymous", tally.api, 401);
      expect(wrong, route, "orders admin", ordersAdmin, route.byId() ? 404 : 403);
      for (Role role : Role.values()) {
        boolean allowed = role.includes(route.needs());
        if (allowed && route.ok() == 0) continue;
        expect(wrong, route, "payments " + role.json(), payments.get(role), allowed ? route.ok() : 403);
      }
      if (route.ok() != 0) expect(wrong, route, "owner", owner, route.ok());
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  static void expect(List<String> wrong, Route route, String who, ApiClient client, int status) throws Exception {
    ApiClient.Response r = call(client, route, pay);
    if (r.status() != status) wrong.add(route.name() + " as " + who + ": " + r.status() + " (expected " + status + ") " + r.text());
  }

  @Test
  @Order(3)
  void listsShowOnlyTheCallersTeams() throws Exception {
    for (String[] list : LISTS) {
      for (ApiClient client : payments.values()) {
        ApiClient.Response r = client.get(list[0]);
        assertEquals(200, r.status(), list[0] + ": " + r.text());
        assertTrue(r.text().contains(pay.fill(list[1])), list[0] + " shows payments' " + list[1] + ": " + r.text());
        assertFalse(r.text().contains(ord.fill(list[1])), list[0] + " hides orders' " + list[1] + ": " + r.text());
      }
      ApiClient.Response all = owner.get(list[0]);
      assertTrue(all.text().contains(pay.fill(list[1])) && all.text().contains(ord.fill(list[1])), list[0] + ": " + all.text());
    }
    ApiClient viewer = payments.get(Role.VIEWER);
    for (String filtered : List.of("/api/v1/results?taskId=", "/api/v1/discrepancies?taskId=", "/api/v1/jobs?taskId=")) {
      for (String task : List.of(ord.task(), ord.delayed())) {
        ApiClient.Response r = viewer.get(filtered + task);
        assertEquals(0, r.body().get("items").size(), filtered + task + ": " + r.text());
      }
    }
    assertEquals(0, viewer.get("/api/v1/alert-deliveries?taskId=" + ord.task()).body().get("items").size());
  }

  @Test
  @Order(4)
  void createsAndMovesKeepToTheCallersTeams() throws Exception {
    ApiClient admin = payments.get(Role.ADMIN);
    assertField(400, "team", bothAdmin.post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\"}"));
    assertEquals(403, admin.post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\",\"team\":\"orders\"}").status());
    assertEquals(403, payments.get(Role.OPERATOR).post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\"}").status());
    assertField(400, "team", owner.post("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\",\"team\":\"nosuch\"}"));
    assertEquals("default", owner.create("/api/v1/event-sources", "{\"name\":\"x\",\"kind\":\"API\"}").body().get("team").asText());

    // a task's sources and channels are of its own team
    String payBody = TASK_BODY.formatted("mixed", "%s", "%s", "%s", table, pay.redis(), "k");
    assertField(400, "eventSourceId", admin.post("/api/v1/tasks", payBody.formatted(ord.source(), "", pay.mysql())));
    assertField(400, "left.dataSourceId", admin.post("/api/v1/tasks", payBody.formatted(pay.source(), "", ord.mysql())));
    assertField(400, "alert.channelIds[0]", bothAdmin.post("/api/v1/tasks", payBody.formatted(pay.source(),
        "\"team\": \"payments\", \"alert\": {\"channelIds\": [\"" + ord.channel() + "\"]},", pay.mysql())));

    // moving: admin in both teams, and nothing of the old team may use it
    assertEquals(409, bothAdmin.put("/api/v1/event-sources/" + pay.source(),
        "{\"name\":\"payments\",\"kind\":\"API\",\"team\":\"orders\"}").status());
    String spare = made(admin.post("/api/v1/alert-channels", CHANNEL_BODY.formatted("")), "payments");
    String toOrders = CHANNEL_BODY.formatted(",\"team\":\"orders\"");
    assertEquals(403, admin.put("/api/v1/alert-channels/" + spare, toOrders).status());
    ApiClient.Response moved = bothAdmin.put("/api/v1/alert-channels/" + spare, toOrders);
    assertEquals(200, moved.status(), moved.text());
    assertEquals("orders", moved.body().get("team").asText());
    assertEquals(404, admin.get("/api/v1/alert-channels/" + spare).status());
    assertEquals(200, ordersAdmin.get("/api/v1/alert-channels/" + spare).status());
  }

  static void assertField(int status, String field, ApiClient.Response r) {
    assertEquals(status, r.status(), r.text());
    assertEquals(field, r.body().path("field").asText(), r.text());
  }

  @Test
  @Order(5)
  void aRerunIsAFreshJobWithItsOwnVerdict() throws Exception {
    ApiClient.Response r = payments.get(Role.OPERATOR).post("/api/v1/results/" + pay.result() + "/rerun", "");
    assertEquals(202, r.status(), r.text());
    String eventId = r.body().get("eventId").asText();
    assertTrue(eventId.startsWith(pay.eventId() + "~rerun-"), eventId);
    assertFalse(r.body().get("jobId").asText().isBlank(), r.text());
    JsonNode again = owner.await("/api/v1/results?status=FAIL&taskId=" + pay.task(),
        list -> list.findValuesAsText("eventId").contains(eventId), Duration.ofSeconds(20));
    for (JsonNode item : again.get("items")) {
      if (item.get("eventId").asText().equals(eventId)) {
        assertNotEquals(pay.result(), item.get("id").asText());
      }
    }
    assertEquals(404, payments.get(Role.OPERATOR).post("/api/v1/results/" + ord.result() + "/rerun", "").status());
  }

  @Test
  @Order(6)
  void theLiveStreamShowsOnlyTheCallersFigures() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode all;
    do {
      if (System.nanoTime() > deadline) throw new AssertionError("both teams' tasks never showed on the live stream");
      for (TeamObjects t : List.of(pay, ord)) {
        assertEquals(202, owner.post("/api/v1/events/" + t.source(), "{\"op\":\"UPDATE\",\"data\":{\"id\":9}}").status());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
      all = live(owner);
    } while (!(all.toString().contains(pay.task()) && all.toString().contains(ord.task())));
    assertTrue(all.get("jobsInFlight").isNumber(), all.toString());
    JsonNode mine = live(payments.get(Role.VIEWER));
    assertTrue(mine.toString().contains(pay.task()) && mine.toString().contains(pay.source()), mine.toString());
    assertFalse(mine.toString().contains(ord.task()) || mine.toString().contains(ord.source()), mine.toString());
    assertTrue(mine.get("jobsWaiting").isNull() && mine.get("jobsInFlight").isNull(), "the queue is every team's: " + mine);
  }

  /** The first stats frame of the live stream as {@code client}'s user sees it. */
  static JsonNode live(ApiClient client) throws Exception {
    String token = client.bearerToken();
    HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tally.api.uri("/api/v1/live"))
        .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, stream.statusCode());
    try (Stream<String> lines = stream.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data: ")) return Json.MAPPER.readTree(line.substring(6));
      }
    }
    throw new AssertionError("the stream ended");
  }
}
