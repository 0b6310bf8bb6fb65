package dnsplane.db.cli;

/**
 * NettyDefaults is Netty as a dnsplane DNS server wants it, unless a {@code -D} says otherwise: no
 * leak sampling of buffers (on the DNS hot path it costs CPU), and no JFR events for its buffer
 * pools. Netty 4.2 registers those with the JDK's Flight Recorder whenever one is available, which
 * sets up the recorder's machinery (event handler classes generated with ASM): 0.14-0.18 s of CPU
 * on a 2-core machine in every start, for telemetry nothing here records. Set as system properties
 * before any Netty class is loaded, first thing in a main: Netty reads each once. PURE of Netty
 * itself, so that this module needs no Netty.
 */
public final class NettyDefaults {

  /** Netty's switch for its JFR events. */
  public static final String JFR = "io.netty.jfr.enabled";

  /** Netty's leak detection level. */
  public static final String LEAKS = "io.netty.leakDetection.level";

  private NettyDefaults() {}

  /** Sets each default that no {@code -D} set already. */
  public static void apply() {
    setUnlessGiven(JFR, "false");
    setUnlessGiven(LEAKS, "disabled");
  }

  private static void setUnlessGiven(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
