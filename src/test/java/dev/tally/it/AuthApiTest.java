package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.config.TallyConfig;
import dev.tally.store.StoreFixture;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Sign-in as a user meets it on a closed node: the first owner by the setup token from the log, the session cookie
 * and its CSRF token, throttled guessing, personal and ingestion tokens (shown once, revoked at once), teams and
 * users managed by owners only. No password or token (but the setup token) ever reaches the log.
 */
class AuthApiTest {
  private static final Pattern SETUP_TOKEN = Pattern.compile("tsu_[A-Za-z0-9_-]+");
  private static final String OWNER_PASSWORD = "owner-pass-" + Long.toHexString(System.nanoTime());
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final List<String> secrets = new java.util.ArrayList<>(List.of(OWNER_PASSWORD));
  private TallyInProcess tally;

  @BeforeEach
  void start() throws Exception {
    logs.start();
    root.addAppender(logs);
    TallyConfig config = new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store(),
        new TallyConfig.Queue("local", 64, 3000), 2, 1000);
    tally = TallyInProcess.closed(config);
  }

  /** A fresh, empty store. */
  TallyConfig.Store store() throws Exception {
    return StoreFixture.h2();
  }

  @AfterEach
  void stop() throws Exception {
    tally.close();
    root.detachAppender(logs);
  }

  private String logged() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(logs.list)) sb.append(e.getFormattedMessage()).append('\n');
    return sb.toString();
  }

  /** The owner made with the setup token printed at start; answers an API client with the owner's token. */
  private ApiClient setUpOwner() throws Exception {
    Matcher m = SETUP_TOKEN.matcher(logged());
    assertTrue(m.find(), "a setup token is printed: " + logged());
    String setupToken = m.group();
    assertTrue(logged().contains("curl -XPOST " + tally.api.baseUrl() + "/api/v1/setup"), logged());
    assertEquals(401, tally.api.post("/api/v1/setup",
        "{\"token\":\"tsu_wrong\",\"username\":\"olivia\",\"password\":\"" + OWNER_PASSWORD + "\"}").status());
    assertEquals(400, tally.api.post("/api/v1/setup",
        "{\"token\":\"" + setupToken + "\",\"username\":\"olivia\",\"password\":\"short\"}").status());
    ApiClient.Response owner = tally.api.post("/api/v1/setup",
        "{\"token\":\"" + setupToken + "\",\"username\":\"olivia\",\"password\":\"" + OWNER_PASSWORD + "\"}");
    assertEquals(201, owner.status(), owner.text());
    assertTrue(owner.body().get("owner").asBoolean(), owner.text());
    assertFalse(owner.text().contains("argon2"), "no hash in answers: " + owner.text());
    ApiClient.Response again = tally.api.post("/api/v1/setup",
        "{\"token\":\"" + setupToken + "\",\"username\":\"mallory\",\"password\":\"" + OWNER_PASSWORD + "\"}");
    assertEquals(409, again.status(), again.text());
    assertFalse(tally.api.get("/api/v1/auth/status").body().get("setupRequired").asBoolean());
    return bearer(tally.api.withBasic("olivia", OWNER_PASSWORD), "cli");
  }

  /** A personal token minted with HTTP Basic (or whatever the client carries). */
  private ApiClient bearer(ApiClient signedIn, String name) throws Exception {
    ApiClient.Response token = signedIn.post("/api/v1/auth/tokens", "{\"name\":\"" + name + "\"}");
    assertEquals(201, token.status(), token.text());
    String value = token.body().get("token").asText();
    assertTrue(value.startsWith("tly_"), token.text());
    secrets.add(value);
    return tally.api.withBearer(value);
  }

  @Test
  void firstOwnerSessionsAndPersonalTokens() throws Exception {
    JsonNode status = tally.api.get("/api/v1/auth/status").body();
    assertEquals("closed", status.get("mode").asText());
    assertTrue(status.get("setupRequired").asBoolean());
    assertEquals(401, tally.api.get("/api/v1/tasks").status());
    assertEquals(401, tally.api.get("/metrics").status());
    assertEquals(200, tally.api.get("/health").status());
    ApiClient owner = setUpOwner();
    assertEquals(200, owner.get("/api/v1/tasks").status());
    assertEquals(200, owner.get("/metrics").status());
    assertEquals(401, tally.api.withBasic("olivia", OWNER_PASSWORD).get("/api/v1/tasks").status(), "Basic only mints tokens");

    // a session: the cookie is HttpOnly and SameSite, writes need the CSRF token
    ApiClient.Response login = tally.api.post("/api/v1/auth/login", "{\"username\":\"olivia\",\"password\":\"" + OWNER_PASSWORD + "\"}");
    assertEquals(200, login.status(), login.text());
    String setCookie = login.header("set-cookie");
    assertNotNull(setCookie);
    assertTrue(setCookie.startsWith("tally_session=tls_") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict")
        && setCookie.contains("Path=/") && !setCookie.contains("Secure"), setCookie);
    String session = setCookie.substring(0, setCookie.indexOf(';'));
    secrets.add(session.substring(session.indexOf('=') + 1));
    String csrf = login.body().get("csrfToken").asText();
    ApiClient browser = tally.api.withHeader("cookie", session);
    JsonNode me = browser.get("/api/v1/auth/me").body();
    assertEquals("olivia", me.get("username").asText());
    assertTrue(me.get("owner").asBoolean());
    assertEquals(csrf, me.get("csrfToken").asText());
    assertEquals("admin", me.get("teams").get(0).get("role").asText(), me.toString());
    ApiClient.Response noCsrf = browser.post("/api/v1/teams", "{\"id\":\"team-a\",\"name\":\"Team A\"}");
    assertEquals(403, noCsrf.status(), noCsrf.text());
    assertEquals("missing or wrong X-CSRF-Token", noCsrf.body().get("detail").asText());
    assertEquals(403, browser.withHeader("x-csrf-token", "nope").post("/api/v1/teams", "{\"id\":\"team-a\",\"name\":\"A\"}").status());
    ApiClient csrfBrowser = browser.withHeader("x-csrf-token", csrf);
    assertEquals(201, csrfBrowser.post("/api/v1/teams", "{\"id\":\"team-a\",\"name\":\"Team A\"}").status());
    assertEquals(409, owner.post("/api/v1/teams", "{\"id\":\"team-a\",\"name\":\"Again\"}").status());
    ApiClient.Response logout = csrfBrowser.post("/api/v1/auth/logout", "");
    assertEquals(204, logout.status(), logout.text());
    assertTrue(logout.header("set-cookie").startsWith("tally_session=;") && logout.header("set-cookie").contains("Max-Age=0"));
    assertEquals(401, browser.get("/api/v1/auth/me").status(), "the session is gone");

    // tokens: shown once, listed without the secret, revoked at once
    ApiClient.Response minted = owner.post("/api/v1/auth/tokens", "{\"name\":\"ci\",\"expiresInDays\":30}");
    assertEquals(201, minted.status(), minted.text());
    String ci = minted.body().get("token").asText();
    secrets.add(ci);
    assertTrue(minted.body().get("expiresAt").asLong() > System.currentTimeMillis());
    ApiClient.Response listed = owner.get("/api/v1/auth/tokens");
    assertEquals(2, listed.body().get("items").size(), listed.text());
    for (String s : secrets) assertFalse(listed.text().contains(s), "a listing shows no token");
    ApiClient ciClient = tally.api.withBearer(ci);
    assertEquals(200, ciClient.get("/api/v1/tasks").status());
    // its use is written down (off the request's path, at most once a minute)
    owner.await("/api/v1/auth/tokens", b -> {
      for (JsonNode t : b.get("items")) if (t.get("name").asText().equals("ci") && t.has("lastUsedAt")) return true;
      return false;
    }, java.time.Duration.ofSeconds(10));
    assertEquals(204, owner.delete("/api/v1/auth/tokens/" + minted.id()).status());
    assertEquals(401, ciClient.get("/api/v1/tasks").status(), "revoked at once");
    assertEquals(404, owner.delete("/api/v1/auth/tokens/" + minted.id()).status());
    assertEquals(400, owner.post("/api/v1/auth/tokens", "{\"name\":\"\"}").status());

    // a password change: the old one stops working
    String newPassword = OWNER_PASSWORD + "-new";
    secrets.add(newPassword);
    assertEquals(400, owner.put("/api/v1/auth/password", "{\"current\":\"wrong-password\",\"password\":\"" + newPassword + "\"}").status());
    assertEquals(204, owner.put("/api/v1/auth/password", "{\"current\":\"" + OWNER_PASSWORD + "\",\"password\":\"" + newPassword + "\"}").status());
    assertEquals(201, tally.api.withBasic("olivia", newPassword).post("/api/v1/auth/tokens", "{\"name\":\"x\"}").status());

    // guessing: the same 401 for an unknown user, then 429 for the username
    assertEquals(401, tally.api.post("/api/v1/auth/login", "{\"username\":\"nobody\",\"password\":\"whatever-it-is\"}").status());
    for (int i = 0; i < 5; i++) {
      ApiClient.Response wrong = tally.api.post("/api/v1/auth/login", "{\"username\":\"olivia\",\"password\":\"wrong-password-" + i + "\"}");
      assertEquals(401, wrong.status(), wrong.text());
    }
    // the right password too, until the window passes
    ApiClient.Response throttled = tally.api.post("/api/v1/auth/login", "{\"username\":\"olivia\",\"password\":\"" + newPassword + "\"}");
    assertEquals(429, throttled.status(), throttled.text());
    assertTrue(Long.parseLong(throttled.header("retry-after")) > 0);

    assertNoSecretLogged();
  }

  @Test
  void ownersManageTeamsAndUsersAndAdminsTheirSourcesTokens() throws Exception {
    ApiClient owner = setUpOwner();
    String ownerId = owner.get("/api/v1/auth/me").body().get("id").asText();
    assertEquals(201, owner.post("/api/v1/teams", "{\"id\":\"team-a\",\"name\":\"Team A\"}").status());
    assertEquals(400, owner.post("/api/v1/teams", "{\"id\":\"Bad Id\",\"name\":\"x\"}").status());
    String tinaPassword = "tina-pass-" + System.nanoTime();
    secrets.add(tinaPassword);
    ApiClient.Response tinaUser = owner.post("/api/v1/users",
        "{\"username\":\"tina\",\"password\":\"" + tinaPassword + "\",\"roles\":{\"team-a\":\"admin\"}}");
    assertEquals(201, tinaUser.status(), tinaUser.text());
    assertEquals("admin", tinaUser.body().get("roles").get("team-a").asText());
    assertEquals(409, owner.post("/api/v1/users", "{\"username\":\"tina\",\"password\":\"" + tinaPassword + "\"}").status());
    ApiClient.Response badRole = owner.post("/api/v1/users", "{\"username\":\"x\",\"password\":\"" + tinaPassword + "\",\"roles\":{\"team-a\":\"boss\"}}");
    assertEquals(400, badRole.status());
    assertEquals("roles.team-a", badRole.body().get("field").asText());
    assertEquals(400, owner.post("/api/v1/users", "{\"username\":\"y\",\"password\":\"" + tinaPassword + "\",\"roles\":{\"nope\":\"viewer\"}}").status());

    // a team admin is no owner
    ApiClient tina = bearer(tally.api.withBasic("tina", tinaPassword), "tina");
    assertEquals(403, tina.get("/api/v1/users").status());
    assertEquals(403, tina.post("/api/v1/teams", "{\"id\":\"team-b\",\"name\":\"B\"}").status());
    assertEquals(403, tina.put("/api/v1/users/" + ownerId, "{\"owner\":false}").status());
    assertEquals(403, tina.delete("/api/v1/teams/team-a").status());
    JsonNode tinaTeams = tina.get("/api/v1/teams").body().get("items");
    assertEquals(1, tinaTeams.size(), tinaTeams.toString());
    assertEquals("admin", tinaTeams.get(0).get("role").asText());
    assertEquals(2, owner.get("/api/v1/teams").body().get("items").size());

    // the last owner stays an owner
    ApiClient.Response selfDemote = owner.put("/api/v1/users/" + ownerId, "{\"owner\":false}");
    assertEquals(409, selfDemote.status(), selfDemote.text());
    assertEquals(409, owner.delete("/api/v1/users/" + ownerId).status());
    assertEquals(409, owner.delete("/api/v1/teams/default").status());

    // ingestion tokens: the source's team admin (here: the owner) mints them; a producer posts with one
    String source = owner.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\"}").id();
    assertEquals(404, owner.get("/api/v1/event-sources/nope/tokens").status());
    assertEquals(404, tina.get("/api/v1/event-sources/" + source + "/tokens").status(), "tina sees nothing of team default");
    ApiClient.Response ingest = owner.post("/api/v1/event-sources/" + source + "/tokens", "{\"name\":\"producer\"}");
    assertEquals(201, ingest.status(), ingest.text());
    String ingestToken = ingest.body().get("token").asText();
    secrets.add(ingestToken);
    assertTrue(ingestToken.startsWith("tle_"));
    ApiClient.Response ingestList = owner.get("/api/v1/event-sources/" + source + "/tokens");
    assertEquals(1, ingestList.body().get("items").size());
    assertFalse(ingestList.text().contains(ingestToken));
    ApiClient producer = tally.api.withBearer(ingestToken);
    String event = "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}";
    assertEquals(202, producer.post("/api/v1/events/" + source, event).status());

    // people post events with operator or more in the source's team
    String vicPassword = "vic-pass-" + System.nanoTime();
    secrets.add(vicPassword);
    String vicId = owner.create("/api/v1/users", "{\"username\":\"vic\",\"password\":\"" + vicPassword + "\",\"roles\":{\"default\":\"viewer\"}}").id();
    ApiClient vic = bearer(tally.api.withBasic("vic", vicPassword), "vic");
    assertEquals(403, vic.post("/api/v1/events/" + source, event).status());
    assertEquals(403, vic.get("/api/v1/event-sources/" + source + "/tokens").status(), "a viewer sees the source, not its tokens");
    ApiClient.Response promoted = owner.put("/api/v1/users/" + vicId, "{\"roles\":{\"default\":\"operator\"}}");
    assertEquals(200, promoted.status(), promoted.text());
    assertEquals(202, vic.post("/api/v1/events/" + source, event).status(), "the role change counts at once");
    assertEquals(200, owner.put("/api/v1/users/" + vicId, "{\"disabled\":true}").status());
    assertEquals(401, vic.get("/api/v1/tasks").status(), "a disabled user's tokens stop working");
    assertEquals(204, owner.delete("/api/v1/users/" + vicId).status());
    assertEquals(404, owner.get("/api/v1/users/" + vicId).status());

    assertEquals(204, owner.delete("/api/v1/event-sources/" + source + "/tokens/" + ingest.id()).status());
    assertEquals(401, producer.post("/api/v1/events/" + source, event).status(), "revoked at once");
    // a token dies with its source
    String second = owner.create("/api/v1/event-sources/" + source + "/tokens", "{\"name\":\"again\"}").body().get("token").asText();
    secrets.add(second);
    assertEquals(202, tally.api.withBearer(second).post("/api/v1/events/" + source, event).status());
    assertEquals(204, owner.delete("/api/v1/event-sources/" + source).status());
    // 401, not the 404 of a missing source: the token itself is gone
    assertEquals(401, tally.api.withBearer(second).post("/api/v1/events/" + source, event).status());
    assertEquals(204, owner.delete("/api/v1/teams/team-a").status());
    assertEquals(0, tina.get("/api/v1/teams").body().get("items").size(), "her role went with the team");
    assertNoSecretLogged();
  }

  @Test
  void aLiveStreamEndsOnceItsTokenIsRevoked() throws Exception {
    ApiClient owner = setUpOwner();
    ApiClient.Response minted = owner.post("/api/v1/auth/tokens", "{\"name\":\"wallboard\"}");
    assertEquals(201, minted.status(), minted.text());
    String token = minted.body().get("token").asText();
    secrets.add(token);
    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tally.api.uri("/api/v1/live"))
        .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      // the first frame comes at once, the second from the timer, which asks who the caller is now
      Future<Integer> frames = reader.submit(() -> {
        int seen = 0;
        for (String line = lines.readLine(); line != null && seen < 2; line = seen < 2 ? lines.readLine() : null) {
          if (line.startsWith("data: {\"at\"")) seen++;
        }
        return seen;
      });
      assertEquals(2, frames.get(10, TimeUnit.SECONDS));
      assertEquals(204, owner.delete("/api/v1/auth/tokens/" + minted.id()).status());
      Future<String> rest = reader.submit(() -> lines.lines().collect(Collectors.joining("\n")));
      String tail = rest.get(10, TimeUnit.SECONDS);
      assertTrue(tail.contains("event: closed"), "the stream ends, saying why: " + tail);
    } finally {
      reader.shutdownNow();
    }
    assertNoSecretLogged();
  }

  private void assertNoSecretLogged() {
    String log = logged();
    assertTrue(log.contains("store: Store["), "the node's log is captured");
    for (String secret : secrets) assertFalse(log.contains(secret), "a secret in the log");
  }

}
