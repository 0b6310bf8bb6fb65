package dnsplane.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * ConsolePage drives the planner's console (/ui) in a headless chromium through its stable DOM
 * hooks. Reads go through JavaScript (one querySelector per read) because the page re-renders its
 * tables on every poll: an element found a moment ago may be gone. Every wait has a deadline.
 */
final class ConsolePage implements AutoCloseable {

  /** Where the system packages put them (.ci/run installs chromium and chromium-driver). */
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("DNSPLANE_CHROMIUM", "/usr/bin/chromium"));

  static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("DNSPLANE_CHROMEDRIVER", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final Path shots;
  private int shot;

  private ConsolePage(ChromeDriver driver, Path shots) {
    this.driver = driver;
    this.shots = shots;
  }

  /**
   * A headless chromium on the system driver. Selenium Manager cannot download anything on these
   * machines, so the driver and the browser are named explicitly; the flags keep chromium from
   * calling home (updates, sync, translation): the test's only traffic is to loopback.
   */
  static ConsolePage open(String url, Path shots) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-features=Translate,OptimizationHints,MediaRouter,OptimizationGuideModelDownloading,"
            + "OnDeviceModelPerformanceParams",
        // The machine is shared and busy: a renderer must not be deprioritised into a timeout.
        "--disable-gpu",
        "--disable-renderer-backgrounding",
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows");
    // The page renders by polling; its content is awaited condition by condition, so the driver
    // need not wait for every subresource (a slow one once held a whole get() for minutes).
    options.setPageLoadStrategy(PageLoadStrategy.EAGER);
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      driver.get(url);
    } catch (RuntimeException e) {
      new ConsolePage(driver, shots).close();
      throw e;
    }
    return new ConsolePage(driver, shots);
  }

  WebDriver driver() {
    return driver;
  }

  /** Waits until {@code condition} gives a non-null, non-false value; the page may re-render. */
  <T> T await(Duration limit, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, limit, Duration.ofMillis(200))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .withMessage(() -> what + "; the page shows:\n" + summary())
        .until(condition);
  }

  /**
   * The attribute of the first element matching {@code css}, or null (no element, no attribute).
   */
  String attr(String css, String name) {
    Object v =
        js(
            "const e = document.querySelector(arguments[0]);"
                + " return e ? e.getAttribute(arguments[1]) : null;",
            css,
            name);
    return v == null ? null : v.toString();
  }

  /** The trimmed text of the first element matching {@code css}, or null. */
  String text(String css) {
    Object v =
        js(
            "const e = document.querySelector(arguments[0]);"
                + " return e ? e.textContent.trim() : null;",
            css);
    return v == null ? null : v.toString();
  }

  boolean present(String css) {
    return Boolean.TRUE.equals(js("return document.querySelector(arguments[0]) !== null;", css));
  }

  /** The value of {@code name} on every element matching {@code css}, in document order. */
  @SuppressWarnings("unchecked")
  List<String> attrs(String css, String name) {
    return (List<String>)
        js(
            "return Array.from(document.querySelectorAll(arguments[0]),"
                + " e => e.getAttribute(arguments[1]));",
            css,
            name);
  }

  /** Clicks the element once it is there and clickable (a re-render may replace it meanwhile). */
  void click(String css, Duration limit) {
    new WebDriverWait(driver, limit, Duration.ofMillis(200))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .ignoring(ElementClickInterceptedException.class)
        .ignoring(ElementNotInteractableException.class)
        .withMessage(() -> "could not click " + css + "; the page shows:\n" + summary())
        .until(
            d -> {
              WebElement e = d.findElement(By.cssSelector(css));
              // Centred, as a user would scroll it: #action-result is a bar fixed to the bottom of
              // the window and covers whatever sits under it.
              js("arguments[0].scrollIntoView({block: 'center'});", e);
              e.click();
              return true;
            });
  }

  void select(String css, String value, Duration limit) {
    await(
        limit,
        "option " + value + " in " + css,
        d -> {
          new Select(d.findElement(By.cssSelector(css))).selectByValue(value);
          return true;
        });
  }

  void type(String css, String value) {
    WebElement e = driver.findElement(By.cssSelector(css));
    e.clear();
    e.sendKeys(value);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * Every input, select and button without an accessible name: aria-labelledby, aria-label, a label
   * (for= or around it), its text (buttons), or a title. Placeholders do not count.
   */
  @SuppressWarnings("unchecked")
  List<String> unnamedControls() {
    return (List<String>)
        js(
            "const named = e => {"
                + " const by = e.getAttribute('aria-labelledby');"
                + " if (by && by.split(/\\s+/).some(id => { const l = document.getElementById(id);"
                + "   return l && l.textContent.trim(); })) return true;"
                + " if ((e.getAttribute('aria-label') || '').trim()) return true;"
                + " if (e.labels && Array.from(e.labels).some(l => l.textContent.trim())) return"
                + " true;"
                + " if (e.tagName === 'BUTTON' && e.textContent.trim()) return true;"
                + " if (e.tagName === 'INPUT' && ['button','submit','reset'].includes(e.type)"
                + "   && (e.value || '').trim()) return true;"
                + " if (e.type === 'hidden') return true;"
                + " return !!(e.getAttribute('title') || '').trim(); };"
                + " return Array.from(document.querySelectorAll('input, select, button'))"
                + "   .filter(e => !named(e)).map(e => e.outerHTML.slice(0, 160));");
  }

  /** Saves a PNG of the top of the page as NN-name.png in the screenshot folder; returns it. */
  Path screenshot(String name) {
    js("window.scrollTo(0, 0);");
    return save(name);
  }

  /** The same with the element matching {@code css} scrolled to the top of the window. */
  Path screenshot(String name, String css) {
    js("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", css);
    return save(name);
  }

  private Path save(String name) {
    try {
      Files.createDirectories(shots);
      Path to = shots.resolve(String.format("%02d-%s.png", ++shot, name));
      Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(png, to, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(png);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a failed wait prints: the connection state, the action result and the tables' text. */
  String summary() {
    try {
      Object s =
          js(
              "const t = s => { const e = document.querySelector(s);"
                  + " return e ? e.outerHTML.replace(/\\s+/g, ' ').slice(0, 6000) : '(no ' + s +"
                  + " ')'; };"
                  + " return ['#connection', '#action-result', '#endpoints', '#enactors',"
                  + " 'dialog#confirm'].map(t).join('\\n');");
      return String.valueOf(s);
    } catch (RuntimeException e) {
      return "(page unreadable: " + e + ")";
    }
  }

  /**
   * Ends the session; a browser that quit() could not end (a hung renderer) is killed by its own
   * pid, with its children, so no chromium outlives the test.
   */
  @Override
  public void close() {
    Object pid = driver.getCapabilities().getCapability("goog:processID");
    try {
      driver.quit();
    } finally {
      if (pid instanceof Number n) {
        killTree(n.longValue());
      }
    }
  }

  static void killTree(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            });
  }
}
