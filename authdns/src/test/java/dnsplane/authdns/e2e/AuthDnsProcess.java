package dnsplane.authdns.e2e;

import dnsplane.db.DbSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * AuthDnsProcess is {@code authdns serve} as a real process of its own (the JVM that runs the tests
 * must survive a SIGKILL of it), on free loopback ports, its output kept for assertions.
 */
final class AuthDnsProcess implements AutoCloseable {

  private static final Pattern SERVING =
      Pattern.compile("serving DNS on /127\\.0\\.0\\.1:(\\d+) .*HTTP on /127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private int dnsPort;
  private int httpPort;

  private AuthDnsProcess(Process process) {
    this.process = process;
    Thread drain = new Thread(this::drain, "authdns-output");
    drain.setDaemon(true);
    drain.start();
  }

  /** Starts {@code authdns serve} on {@code db} with {@code args} and {@code env}; waits for it. */
  static AuthDnsProcess start(DbSettings db, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dnsplane.authdns.Main",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--http",
                "127.0.0.1:0"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DNSPLANE_DB_URL", db.jdbcUrl());
    pb.environment().put("DNSPLANE_DB_USER", db.user());
    pb.environment().put("DNSPLANE_DB_PASSWORD", db.password());
    pb.environment().putAll(env);
    AuthDnsProcess p = new AuthDnsProcess(pb.start());
    try {
      p.awaitServing(Duration.ofSeconds(60));
    } catch (AssertionError | InterruptedException e) {
      // The caller never gets the process to close: it must not outlive the test.
      p.process.destroyForcibly().waitFor();
      throw e;
    }
    return p;
  }

  private void drain() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (this) {
          lines.add(line);
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            dnsPort = Integer.parseInt(m.group(1));
            httpPort = Integer.parseInt(m.group(2));
          }
          notifyAll();
        }
      }
    } catch (IOException ignored) {
      // The process is gone; what it printed is kept.
    } finally {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  private synchronized void awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (dnsPort == 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0 || !process.isAlive() && dnsPort == 0) {
        // A dead process may still have lines in flight; one last look before failing.
        wait(200);
        if (dnsPort != 0) {
          return;
        }
        throw new AssertionError("authdns did not come up: " + lines);
      }
      wait(Math.min(left, 200));
    }
  }

  /** Everything the process printed so far. */
  synchronized List<String> output() {
    return List.copyOf(lines);
  }

  /** True once the process printed a line containing {@code text}. */
  synchronized boolean printed(String text) {
    return lines.stream().anyMatch(l -> l.contains(text));
  }

  /** The HTTP side's port (/health, /metrics, /v1/snapshot). */
  synchronized int httpPort() {
    return httpPort;
  }

  InetSocketAddress dns() {
    return new InetSocketAddress("127.0.0.1", dnsPort);
  }

  /** The answer records to {@code name type} over UDP, and the rcode. */
  Message query(String name, int type) throws IOException {
    SimpleResolver r = new SimpleResolver(dns());
    r.setTimeout(Duration.ofSeconds(2));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  /** The addresses of the A records answered for {@code name}, or one "no answer: ..." entry. */
  List<String> addresses(String name) {
    try {
      return query(name, org.xbill.DNS.Type.A).getSection(org.xbill.DNS.Section.ANSWER).stream()
          .filter(r -> r instanceof org.xbill.DNS.ARecord)
          .map(r -> ((org.xbill.DNS.ARecord) r).getAddress().getHostAddress())
          .toList();
    } catch (IOException e) {
      return List.of("no answer: " + e);
    }
  }

  /** The body of GET {@code path} on the HTTP side, or what went wrong. */
  String body(String path) {
    try {
      return http(path).body();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** GET {@code path} on the HTTP side: status and body. */
  HttpResponse<String> http(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** SIGTERM, and waits for the clean stop (which saves the snapshot a last time). */
  int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("authdns did not stop within 30 s: " + output());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no last save, whatever it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
