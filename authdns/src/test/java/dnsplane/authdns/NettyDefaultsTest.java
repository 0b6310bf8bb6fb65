package dnsplane.authdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.cli.NettyDefaults;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@link NettyDefaults}, first thing in authdns's main, spares a start: Netty's JFR events for
 * its buffer pools, whose registration loads the Flight Recorder's machinery, and its sampling of
 * buffers for leaks. Each case is a JVM of its own, since Netty reads the settings once per JVM,
 * listing the classes it loads as a server's first buffer is made.
 */
class NettyDefaultsTest {

  /** A JVM's first pooled buffer, after {@link NettyDefaults} when the first word says so. */
  public static final class Probe {
    public static void main(String[] args) {
      if (args[0].equals("defaults")) {
        NettyDefaults.apply();
      }
      PooledByteBufAllocator.DEFAULT.directBuffer(512).release();
      System.out.println(
          "probe done, "
              + NettyDefaults.JFR
              + "="
              + System.getProperty(NettyDefaults.JFR)
              + ", leaks "
              + io.netty.util.ResourceLeakDetector.getLevel());
    }
  }

  // Made only once events are being registered with the recorder.
  private static final String RECORDER_MACHINERY = "jdk.jfr.internal.EventHandlerCreator";

  @Test
  void aServersFirstBufferLeavesTheFlightRecorderAlone() throws Exception {
    String out = probe("defaults");

    assertTrue(out.contains("probe done, io.netty.jfr.enabled=false, leaks DISABLED"), out);
    assertFalse(out.contains(RECORDER_MACHINERY), "Netty registered its JFR events");
  }

  @Test
  void withoutTheDefaultsNettyRegistersItsEvents() throws Exception {
    // What the test above guards against: it would pass for nothing if Netty no longer did this.
    String out = probe("plain");

    assertTrue(out.contains("probe done, io.netty.jfr.enabled=null, leaks SIMPLE"), out);
    assertTrue(out.contains(RECORDER_MACHINERY), "Netty no longer registers JFR events: " + out);
  }

  @Test
  void aValueGivenOnTheCommandLineWins() throws Exception {
    String out = probe("defaults", "-D" + NettyDefaults.JFR + "=true");

    assertTrue(out.contains("probe done, io.netty.jfr.enabled=true"), out);
    assertTrue(out.contains(RECORDER_MACHINERY), out);
  }

  private static String probe(String mode, String... jvmFlags)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmFlags));
    cmd.addAll(
        List.of(
            "-Xlog:class+load=info:stdout",
            "-cp",
            System.getProperty("java.class.path"),
            Probe.class.getName(),
            mode));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not exit");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
