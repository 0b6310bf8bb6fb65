package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import dnsplane.authdns.journal.JournalLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IXFR journal's bounds on the command line: flags over environment over defaults. */
class IxfrCliTest {

  private static JournalLimits journal(Map<String, String> env, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return ((Cli.Serve) Cli.parse(all, env)).xfr().journal();
  }

  @Test
  void defaultsAreAThousandVersionsAndAHundredThousandRecordsPerZone() throws Exception {
    assertEquals(new JournalLimits(1_000, 100_000), journal(Map.of()));
    assertEquals(JournalLimits.defaults(), journal(Map.of()));
  }

  @Test
  void flagsWinOverTheEnvironment() throws Exception {
    Map<String, String> env =
        Map.of("DNSPLANE_AUTHDNS_IXFR_VERSIONS", "50", "DNSPLANE_AUTHDNS_IXFR_RECORDS", "2000");
    assertEquals(new JournalLimits(50, 2_000), journal(env));
    assertEquals(new JournalLimits(7, 2_000), journal(env, "--ixfr-versions", "7"));
    assertEquals(
        new JournalLimits(7, 9), journal(env, "--ixfr-versions", "7", "--ixfr-records", "9"));
    assertTrue(journal(Map.of(), "--ixfr-versions", "0").isOff(), "0: no journal");
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlag() {
    Cli.UsageException notANumber =
        assertThrows(Cli.UsageException.class, () -> journal(Map.of(), "--ixfr-records", "lots"));
    assertTrue(notANumber.getMessage().startsWith("--ixfr-records: "), notANumber.getMessage());
    assertTrue(notANumber.getMessage().contains("'lots'"), notANumber.getMessage());
    Cli.UsageException negative =
        assertThrows(Cli.UsageException.class, () -> journal(Map.of(), "--ixfr-versions", "-1"));
    assertTrue(
        negative.getMessage().startsWith("--ixfr-versions: must be 0 or more"),
        negative.getMessage());
    assertTrue(negative.getMessage().contains("'-1'"), negative.getMessage());
    Cli.UsageException fromEnv =
        assertThrows(
            Cli.UsageException.class,
            () -> journal(Map.of("DNSPLANE_AUTHDNS_IXFR_VERSIONS", "ten")));
    assertTrue(
        fromEnv.getMessage().startsWith("DNSPLANE_AUTHDNS_IXFR_VERSIONS (--ixfr-versions): "),
        fromEnv.getMessage());
  }
}
