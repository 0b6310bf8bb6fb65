package dnsplane.authdns.net;

import java.util.Locale;

/**
 * NativeUdpSupport says whether {@link NativeUdp} can run in this JVM, without loading it: its
 * foreign-function calls need JDK 17's incubating jdk.incubator.foreign module (the API changed in
 * 18 and became java.lang.foreign in 22), added with {@code --add-modules jdk.incubator.foreign},
 * native access allowed with {@code --enable-native-access=ALL-UNNAMED}, and Linux on a 64-bit x86
 * or ARM processor, whose structure layouts it writes. The launcher ({@code deploy/lib/common.sh})
 * passes both flags to authdns on Java 17; anywhere else authdns serves UDP through Netty.
 */
final class NativeUdpSupport {
  private static final String MODULE = "jdk.incubator.foreign";
  private static volatile String unavailable;
  private static volatile boolean checked;

  private NativeUdpSupport() {}

  /** Null when NativeUdp can run here, else why not (one line, for the log). */
  static String unavailable() {
    if (!checked) {
      unavailable = check();
      checked = true;
    }
    return unavailable;
  }

  private static String check() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
      return "not Linux on amd64/aarch64 (" + os + ", " + arch + ")";
    }
    if (Runtime.version().feature() != 17) {
      return "Java " + Runtime.version().feature() + ", not 17";
    }
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      return "the JVM was started without --add-modules " + MODULE;
    }
    try {
      // Links the class, and with it every libc call it makes: any refusal shows here.
      Class.forName("dnsplane.authdns.net.Libc", true, NativeUdpSupport.class.getClassLoader());
      return null;
    } catch (ExceptionInInitializerError e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause instanceof IllegalCallerException
          ? "native access is not enabled (--enable-native-access=ALL-UNNAMED)"
          : String.valueOf(cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      return String.valueOf(e);
    }
  }
}
