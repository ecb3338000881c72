package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged JAR started closed with no owner in its environment, as a first-time user meets it: the API is shut,
 * the log holds a one-time setup token and the curl to use it, the setup makes the owner, HTTP Basic mints a
 * token that opens the API; the password shows nowhere in the log.
 */
class AuthJarIT {
  private static final Pattern SETUP_TOKEN = Pattern.compile("\"token\":\"(tsu_[A-Za-z0-9_-]+)\"");
  private Process tally;

  @AfterEach
  void stop() throws Exception {
    if (tally != null) tally.destroyForcibly().waitFor();
  }

  @Test
  void firstStartPrintsASetupTokenThatMakesTheOwner() throws Exception {
    Path dataDir = Files.createTempDirectory("tally-auth-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    tally = TallyJar.start(dataDir, port, "--auth.mode=closed");
    ApiClient api = new ApiClient(port);
    assertEquals(401, api.get("/api/v1/tasks").status());
    assertEquals(401, api.get("/metrics").status());
    assertTrue(api.get("/api/v1/auth/status").body().get("setupRequired").asBoolean());

    Path log = dataDir.resolve("tally.log");
    String setupToken = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (setupToken == null && System.nanoTime() < deadline) {
      Matcher m = SETUP_TOKEN.matcher(Files.readString(log));
      if (m.find()) setupToken = m.group(1);
      else LockSupport.parkNanos(100_000_000);
    }
    assertTrue(setupToken != null, "a setup token in the log: " + Files.readString(log));
    assertTrue(Files.readString(log).contains("curl -XPOST http://127.0.0.1:" + port + "/api/v1/setup"), Files.readString(log));

    String password = "jar-owner-" + System.nanoTime();
    ApiClient.Response owner = api.post("/api/v1/setup",
        "{\"token\":\"" + setupToken + "\",\"username\":\"admin\",\"password\":\"" + password + "\"}");
    assertEquals(201, owner.status(), owner.text());
    assertEquals(409, api.post("/api/v1/setup",
        "{\"token\":\"" + setupToken + "\",\"username\":\"eve\",\"password\":\"" + password + "\"}").status());

    ApiClient.Response token = api.withBasic("admin", password).post("/api/v1/auth/tokens", "{\"name\":\"cli\"}");
    assertEquals(201, token.status(), token.text());
    ApiClient cli = api.withBearer(token.body().get("token").asText());
    assertEquals(200, cli.get("/api/v1/tasks").status());
    assertEquals(200, cli.get("/metrics").status());
    assertEquals("admin", cli.get("/api/v1/auth/me").body().get("username").asText());

    String logged = Files.readString(log);
    assertFalse(logged.contains(password), "the password is in the log");
    assertFalse(logged.contains(token.body().get("token").asText()), "the API token is in the log");
  }
}
