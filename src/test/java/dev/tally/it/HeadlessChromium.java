package dev.tally.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its own chromedriver (paths set explicitly, so Selenium Manager
 * never looks for a driver on the network), with a fresh profile that is deleted on close.
 */
final class HeadlessChromium implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  HeadlessChromium() throws Exception {
    profile = Files.createTempDirectory("tally-chromium-");
    service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1400,1000");
    driver = new ChromeDriver(service, options);
  }

  static boolean installed() {
    return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
  }

  /** Opens a page of the admin and waits until it has rendered. */
  void open(String url) {
    driver.get("about:blank"); // a fresh document: a hash-only change would not wait for the page to load
    driver.get(url);
    waitRendered();
  }

  /** Waits until the current page's render finished (main[aria-busy=false]). */
  void waitRendered() {
    until(d -> "false".equals(d.findElement(By.id("page")).getAttribute("aria-busy")));
  }

  WebElement await(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void until(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    new WebDriverWait(driver, WAIT).until(condition::apply);
  }

  WebElement find(By by) {
    return driver.findElement(by);
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  /** The form control named name (names like "left.table" need quoting in CSS). */
  WebElement named(String name) {
    return driver.findElement(By.cssSelector("[name=\"" + name + "\"]"));
  }

  void type(String name, String text) {
    WebElement el = named(name);
    el.clear();
    el.sendKeys(text);
  }

  void choose(String name, String value) {
    new Select(named(name)).selectByValue(value);
  }

  void click(By by) {
    WebElement el = await(by);
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", el);
    el.click();
  }

  String bannerText() {
    WebElement banner = driver.findElement(By.id("banner"));
    return banner.isDisplayed() ? banner.getText() : "";
  }

  void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
