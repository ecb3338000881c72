package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import static dev.tally.store.StoreFixture.await;

import dev.tally.auth.Role;
import dev.tally.auth.Tokens;
import dev.tally.config.TallyConfig;
import dev.tally.store.AuthRepository;
import dev.tally.store.Db;
import dev.tally.store.StoreFixture;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console of a closed node in a real headless Chromium: the login page, what each role is shown (and,
 * as important, not shown), the team switcher, the owner's users page, personal and ingestion tokens shown once,
 * logout; and the open-mode warning on an open node. Users come straight from the store (AuthFixture, password
 * "password of NAME"); every write the browser makes goes through the session cookie and its CSRF header.
 */
class AdminSignInUiTest {
  static final Duration SIGN_IN_WAIT = Duration.ofSeconds(60);
  static TallyInProcess tally;
  static AuthFixture users;
  static ApiClient owner;
  static HeadlessChromium browser;
  static String task;
  static String failure;
  static String blueSource;

  @BeforeAll
  static void setUp() throws Exception {
    assertTrue(HeadlessChromium.installed(), "no /usr/bin/chromium or /usr/bin/chromedriver: scripts/test.sh installs them");
    TallyConfig.Store store = StoreFixture.h2();
    tally = TallyInProcess.closed(closedConfig(store));
    users = new AuthFixture(tally.vertx, store);
    users.team("blue");
    owner = tally.api.withBearer(users.userToken("olivia", true, Map.of()));
    users.userToken("victor", false, Map.of("default", Role.VIEWER));
    users.userToken("otto", false, Map.of("default", Role.OPERATOR));
    users.userToken("ada", false, Map.of("blue", Role.ADMIN));
    users.userToken("pat", false, Map.of("default", Role.VIEWER));
    // a task in "default" whose sides nobody answers (port 9): its check ends in a stored ERROR, a failure to look at
    String events = owner.create("/api/v1/event-sources", "{\"name\":\"orders\",\"kind\":\"API\",\"team\":\"default\"}").id();
    String partner = owner.create("/api/v1/data-sources", "{\"name\":\"partner\",\"kind\":\"HTTP\",\"baseUrl\":\"http://127.0.0.1:9\",\"team\":\"default\"}").id();
    task = owner.create("/api/v1/tasks", """
        {"name": "orders match", "eventSourceId": "%s", "type": "CONFIG", "team": "default",
         "left":  {"dataSourceId": "%s", "url": "/left/#{id}"},
         "right": {"dataSourceId": "%s", "url": "/right/#{id}"},
         "compare": [{"left": "status", "right": "status"}]}
        """.formatted(events, partner, partner)).id();
    blueSource = owner.create("/api/v1/event-sources", "{\"name\":\"blue payments\",\"kind\":\"API\",\"team\":\"blue\"}").id();
    assertEquals(202, owner.post("/api/v1/events/" + events, "{\"op\":\"UPDATE\",\"data\":{\"id\":1}}").status());
    failure = owner.await("/api/v1/results?taskId=" + task, r -> r.get("items").size() >= 1, Duration.ofSeconds(20))
        .at("/items/0/id").asText();
    browser = new HeadlessChromium();
  }

  static TallyConfig closedConfig(TallyConfig.Store store) {
    return new TallyConfig(new TallyConfig.Http("127.0.0.1", 0), store, new TallyConfig.Queue("local", 64, 3000), 2, 1000);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (browser != null) browser.close();
    if (users != null) users.close();
    if (tally != null) tally.close();
  }

  /** Each test starts signed out, with no team remembered. */
  @AfterEach
  void signOut() {
    open("#/tasks");
    browser.driver.manage().deleteAllCookies();
    browser.driver.executeScript("localStorage.clear()");
  }

  static void open(String hash) {
    browser.open(tally.api.uri("/" + hash).toString());
  }

  static void signIn(String username) {
    signIn(username, "password of " + username);
  }

  static void signIn(String username, String password) {
    open("#/tasks");
    browser.driver.manage().deleteAllCookies(); // whoever was signed in before
    open("#/tasks");
    browser.await(By.id("login-form"));
    browser.type("username", username);
    browser.type("password", password);
    browser.click(By.id("login-submit"));
    awaitSignedIn(username);
    browser.waitRendered();
  }

  /**
   * Waits for the header to name the user. Checking a password is deliberately slow (Argon2id, on a worker
   * thread), and slower still on a loaded machine: this wait is longer than the browser's usual one.
   */
  static void awaitSignedIn(String username) {
    try {
      new WebDriverWait(browser.driver, SIGN_IN_WAIT).until(d -> !d.findElements(By.id("whoami")).isEmpty()
          && d.findElement(By.id("whoami")).getText().startsWith(username));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(username + " not signed in; the page says: " + browser.find(By.id("page")).getText()
          + " | banner: " + browser.bannerText(), e);
    }
  }

  static boolean present(String css) {
    return !browser.all(By.cssSelector(css)).isEmpty();
  }

  /** Moves to a page of the console and waits until that page (not the one before) has rendered. */
  static void go(String hash) {
    String page = hash.replaceFirst("^#/", "").replaceFirst("\\?.*", "");
    browser.driver.executeScript("location.hash = arguments[0]", hash);
    browser.until(d -> {
      WebElement main = d.findElement(By.id("page"));
      return page.equals(main.getAttribute("data-page")) && "false".equals(main.getAttribute("aria-busy"));
    });
  }

  @Test
  void theLoginPageAppearsAndAWrongPasswordIsRefused() throws Exception {
    open("#/tasks");
    browser.await(By.id("login-form"));
    assertEquals("login", browser.find(By.id("page")).getAttribute("data-page"));
    assertFalse(browser.find(By.id("menu")).isDisplayed(), "no menu before sign-in");
    assertFalse(browser.find(By.id("mode-banner")).isDisplayed(), "a closed node shows no open-mode warning");
    browser.type("username", "olivia");
    browser.type("password", "not her password");
    browser.click(By.id("login-submit"));
    new WebDriverWait(browser.driver, SIGN_IN_WAIT)
        .until(d -> d.findElement(By.cssSelector("#login-form .sign-in-error")).getText().contains("Wrong username or password"));
    assertTrue(browser.all(By.id("whoami")).isEmpty() || !browser.find(By.id("account")).isDisplayed(), "still signed out");
    browser.screenshot("sign-in-wrong-password");
  }

  @Test
  void aViewerSeesTasksButNothingToChangeOrRun() throws Exception {
    signIn("victor");
    WebElement row = browser.await(By.cssSelector("tr[data-id=\"" + task + "\"]"));
    assertTrue(row.getText().contains("orders match"), row.getText());
    assertFalse(present("#new-task"), "no New task for a viewer");
    for (String button : List.of("button.toggle", ".edit", ".try", "button.delete")) {
      assertTrue(row.findElements(By.cssSelector(button)).isEmpty(), button + " is not offered to a viewer");
    }
    assertFalse(browser.find(By.cssSelector("#menu a[data-page=\"try\"]")).isDisplayed(), "no Try it in the menu");
    assertFalse(present("#account a[data-page=\"users\"]") || present("#account a[data-page=\"teams\"]"), "users and teams are the owner's");
    browser.screenshot("viewer-tasks");
    go("#/data-sources");
    assertFalse(present("#new-data-source") || present("button.test") || present("#page .edit") || present("#page .delete"));
    go("#/event-sources");
    assertFalse(present("#new-event-source") || present("#page .tokens") || present("#page .delete"));
    go("#/result?id=" + failure);
    browser.await(By.cssSelector(".result"));
    assertFalse(present("#rerun"), "no Re-run for a viewer");
    go("#/task");
    assertEquals("Not allowed", browser.find(By.cssSelector("#page h1")).getText());

    // the session gone (here: its cookie), the next page's call answers 401 and the login page comes back
    browser.driver.manage().deleteAllCookies();
    browser.driver.executeScript("location.hash = '#/data-sources'");
    browser.await(By.id("login-form"));
    assertTrue(browser.bannerText().contains("session ended"), browser.bannerText());
  }

  @Test
  void anOperatorTriesAndRerunsButDoesNotConfigure() throws Exception {
    signIn("otto");
    WebElement row = browser.await(By.cssSelector("tr[data-id=\"" + task + "\"]"));
    assertFalse(row.findElements(By.cssSelector(".try")).isEmpty(), "an operator may try a task");
    assertTrue(row.findElements(By.cssSelector(".edit")).isEmpty() && row.findElements(By.cssSelector("button.delete")).isEmpty());
    assertFalse(present("#new-task"));
    go("#/data-sources");
    assertTrue(present("button.test"), "an operator may test a connection");
    assertFalse(present("#new-data-source") || present("#page .edit"));
    go("#/result?id=" + failure);
    browser.click(By.id("rerun"));
    browser.until(d -> d.findElement(By.id("rerun-result")).getText().startsWith("queued"));
    browser.screenshot("operator-rerun");
  }

  @Test
  void anAdminCreatesAnEventSourceInTheirTeamAndAnIngestionToken() throws Exception {
    signIn("ada");
    assertEquals("blue", browser.find(By.id("team")).getAttribute("value"), "her only team is chosen");
    assertFalse(present("tr[data-id=\"" + task + "\"]"), "the default team's task is not hers");
    go("#/event-sources");
    assertTrue(present("tr[data-id=\"" + blueSource + "\"]"));
    browser.click(By.id("new-event-source"));
    browser.await(By.cssSelector("#event-source-form [name=\"name\"]"));
    assertEquals("blue", browser.named("team").getAttribute("value"));
    browser.type("name", "refunds from the form");
    browser.click(By.cssSelector("#event-source-form button[type=submit]"));
    browser.until(d -> d.getCurrentUrl().endsWith("#/event-sources"));
    browser.waitRendered();
    JsonNode made = null;
    for (JsonNode e : owner.get("/api/v1/event-sources").body().get("items")) {
      if (e.get("name").asText().equals("refunds from the form")) made = e;
    }
    assertTrue(made != null, "created through the form");
    assertEquals("blue", made.get("team").asText(), made.toString());
    String id = made.get("id").asText();

    // its ingestion token: shown once with the curl to use, and it lets a producer post to this source
    browser.click(By.cssSelector("tr[data-id=\"" + id + "\"] .tokens"));
    browser.await(By.id("ingest-token-form"));
    browser.type("name", "refund service");
    browser.click(By.id("ingest-token-create"));
    String token = browser.await(By.cssSelector("#new-ingest-token .secret")).getText();
    assertTrue(token.startsWith("tle_"), token);
    String curl = browser.find(By.cssSelector("#new-ingest-token pre.curl")).getText();
    assertTrue(curl.contains("/api/v1/events/" + id) && curl.contains("Bearer " + token), curl);
    browser.screenshot("ingest-token");
    assertEquals(202, tally.api.withBearer(token).post("/api/v1/events/" + id, "{\"op\":\"UPDATE\",\"data\":{\"id\":7}}").status());
    open("#/event-sources?tokens=" + id);
    assertTrue(browser.find(By.id("ingest-tokens")).getText().contains("refund service"));
    assertFalse(present("#new-ingest-token .secret"), "the token is not shown again");
  }

  @Test
  void theOwnerCreatesAUserWithARoleInATeam() throws Exception {
    signIn("olivia");
    List<String> teams = browser.all(By.cssSelector("#team option")).stream().map(o -> o.getAttribute("value")).toList();
    assertTrue(teams.containsAll(List.of("default", "blue")), "an owner sees every team: " + teams);
    // the chosen team filters the lists and is remembered across a reload
    assertTrue(present("tr[data-id=\"" + task + "\"]"));
    new org.openqa.selenium.support.ui.Select(browser.find(By.id("team"))).selectByValue("blue");
    browser.until(d -> d.findElements(By.cssSelector("tr[data-id=\"" + task + "\"]")).isEmpty());
    open("#/event-sources");
    assertEquals("blue", browser.find(By.id("team")).getAttribute("value"));
    assertTrue(present("tr[data-id=\"" + blueSource + "\"]"));
    browser.click(By.cssSelector("#account a[data-page=\"users\"]"));
    browser.waitRendered();
    browser.click(By.id("new-user"));
    browser.await(By.id("user-save"));
    browser.type("username", "uma");
    browser.type("password", "a long enough password 1");
    browser.choose("role.blue", "operator");
    browser.screenshot("owner-new-user");
    browser.click(By.id("user-save"));
    new WebDriverWait(browser.driver, SIGN_IN_WAIT).until(d -> d.getCurrentUrl().endsWith("#/users")); // hashes the password
    browser.await(By.cssSelector("tr[data-username=\"uma\"]"));
    JsonNode uma = null;
    for (JsonNode u : owner.get("/api/v1/users").body().get("items")) if (u.get("username").asText().equals("uma")) uma = u;
    assertTrue(uma != null, "created through the form");
    assertEquals("operator", uma.at("/roles/blue").asText(), uma.toString());
    assertFalse(uma.get("owner").asBoolean());
    // a new team shows in the switcher at once
    go("#/teams");
    browser.click(By.id("new-team"));
    browser.await(By.id("team-save"));
    browser.type("id", "green");
    browser.type("name", "Team green");
    browser.click(By.id("team-save"));
    browser.until(d -> d.findElements(By.cssSelector("#team option[value=\"green\"]")).size() == 1);
    assertEquals("Team green", owner.get("/api/v1/teams").body().findValues("name").stream()
        .map(JsonNode::asText).filter("Team green"::equals).findFirst().orElse(null));

    // and she can sign in, as an operator of blue
    signIn("uma", "a long enough password 1");
    assertEquals("operator", browser.find(By.id("whoami")).getAttribute("data-role"));

    // disabled by the owner: her next call answers 401 and her console returns to the login page
    String umaId = uma.get("id").asText();
    assertEquals(200, owner.put("/api/v1/users/" + umaId, "{\"disabled\":true}").status());
    new WebDriverWait(browser.driver, SIGN_IN_WAIT).until(d -> {
      d.navigate().refresh();
      return !d.findElements(By.id("login-form")).isEmpty();
    });
    signIn("olivia");
    go("#/users");
    assertTrue(browser.find(By.cssSelector("tr[data-username=\"uma\"]")).getText().contains("DISABLED"));
    browser.driver.executeScript("window.confirm = () => true");
    browser.click(By.cssSelector("tr[data-username=\"uma\"] button.danger"));
    browser.until(d -> d.findElements(By.cssSelector("tr[data-username=\"uma\"]")).isEmpty());
    assertEquals(404, owner.get("/api/v1/users/" + umaId).status());
  }

  @Test
  void aPersonalTokenIsShownOnceAndLogoutReturnsToLogin() throws Exception {
    signIn("ada");
    browser.click(By.cssSelector("#account a[data-page=\"account\"]"));
    browser.waitRendered();
    browser.type("name", "cli");
    browser.click(By.id("token-create"));
    String token = browser.await(By.cssSelector("#new-token .secret")).getText();
    assertTrue(token.startsWith("tly_"), token);
    assertEquals(200, tally.api.withBearer(token).get("/api/v1/event-sources").status(), "the token works");
    browser.screenshot("personal-token");
    go("#/tasks");
    go("#/account");
    assertTrue(browser.find(By.id("tokens")).getText().contains("cli"));
    assertFalse(present("#new-token .secret"), "the token is not shown again");
    assertFalse(browser.find(By.id("tokens")).getText().contains(token));

    browser.click(By.id("logout"));
    browser.await(By.id("login-form"));
    open("#/tasks");
    browser.await(By.id("login-form")); // the session is gone, not just hidden
  }

  @Test
  void aPasswordIsChangedInTheAccountPage() throws Exception {
    signIn("pat");
    go("#/account");
    browser.named("current").sendKeys("not my password");
    browser.named("password").sendKeys("pat's new long password");
    browser.named("again").sendKeys("pat's new long password");
    browser.click(By.id("password-save"));
    WebElement error = new WebDriverWait(browser.driver, SIGN_IN_WAIT)
        .until(d -> d.findElements(By.cssSelector(".field-error[data-error-for=\"current\"]")).stream().findFirst().orElse(null));
    assertTrue(error.getText().contains("current"), error.getText());
    browser.screenshot("password-wrong-current");
    browser.named("current").clear();
    browser.named("current").sendKeys("password of pat");
    browser.click(By.id("password-save"));
    new WebDriverWait(browser.driver, SIGN_IN_WAIT).until(d -> browser.bannerText().contains("Password changed"));
    browser.click(By.id("logout"));
    browser.await(By.id("login-form"));
    signIn("pat", "pat's new long password");
  }

  @Test
  void theFirstStartAsksForTheSetupTokenAndMakesTheOwner() throws Exception {
    TallyConfig.Store store = StoreFixture.h2();
    try (TallyInProcess fresh = TallyInProcess.closed(closedConfig(store))) {
      // the token a node prints in its log at first start, made here the same way (stored hashed)
      String token = Tokens.generate(Tokens.SETUP);
      Pool pool = await(Db.open(fresh.vertx, store));
      try {
        await(new AuthRepository(pool).createSetupToken(token));
      } finally {
        await(pool.close());
      }
      browser.open(fresh.api.uri("/#/tasks").toString());
      browser.await(By.id("setup-form"));
      browser.type("token", Tokens.generate(Tokens.SETUP));
      browser.type("username", "founder");
      browser.type("password", "the founder's long password");
      browser.click(By.id("setup-submit"));
      browser.until(d -> d.findElement(By.cssSelector("#setup-form .sign-in-error")).getText().contains("Unknown setup token"));
      browser.type("token", token);
      browser.click(By.id("setup-submit"));
      awaitSignedIn("founder");
      assertEquals("owner", browser.find(By.id("whoami")).getAttribute("data-role"));
      assertFalse(fresh.api.get("/api/v1/auth/status").body().get("setupRequired").asBoolean());
      browser.screenshot("first-owner");
    }
  }

  @Test
  void openModeIsAnnouncedOnEveryPage() throws Exception {
    try (TallyInProcess open = new TallyInProcess()) {
      browser.open(open.api.uri("/#/tasks").toString());
      WebElement warning = browser.await(By.id("mode-banner"));
      assertTrue(warning.getText().contains("Open development mode: no sign-in"), warning.getText());
      assertTrue(present("#new-task"), "everything is offered in open mode");
      assertFalse(present("#logout") || present("#login-form"));
      assertEquals("", browser.bannerText(), "the error banner stays free");
      browser.screenshot("open-mode");
    }
  }
}
