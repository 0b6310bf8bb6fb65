package dnsplane.authdns.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.Cli;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/** Reading TSIG keys: BIND's key statements from a file, the inline environment form, errors. */
class TsigKeyFileTest {
  private static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void readsBindKeyStatementsWithComments() throws Exception {
    List<TsigKey> keys =
        TsigKeyFile.parse(
            """
            # made by tsig-keygen
            key "xfr-key" {
                algorithm hmac-sha256;
                secret "%s";
            };
            // a second one, on one line
            key other.example. { algorithm HMAC-SHA512; secret "%s"; };
            """
                .formatted(SECRET, SECRET),
            "keys.conf");
    assertEquals(2, keys.size());
    assertEquals(Name.fromConstantString("xfr-key."), keys.get(0).name());
    assertEquals(TSIG.HMAC_SHA256, keys.get(0).algorithm());
    assertEquals(TSIG.HMAC_SHA512, keys.get(1).algorithm());
    assertEquals(32, keys.get(0).secret().length);
    assertFalse(keys.get(0).toString().contains(SECRET), "toString never shows the secret");
  }

  @Test
  void errorsNameTheFileAndLine() {
    assertError(
        "keys.conf:3: unknown field 'algo'", "key \"k\" {\n algorithm hmac-sha256;\n algo x;\n};");
    assertError(
        "keys.conf:2: key k.: unsupported algorithm 'hmac-md5'",
        "key k {\n algorithm hmac-md5;\n secret \"" + SECRET + "\";\n};");
    assertError(
        "keys.conf:3: key k.: secret is not base64",
        "key k {\n algorithm hmac-sha256;\n secret \"not base64!\";\n};");
    assertError("keys.conf:1: key k has no secret", "key k { algorithm hmac-sha256; };");
    assertError("keys.conf:2: expected ';'", "key k { algorithm hmac-sha256\n}");
    assertError("keys.conf:1: expected 'key', found 'server:'", "server: {};");
    assertError(
        "defined twice",
        ("key k { algorithm hmac-sha256; secret \"%s\"; };\n").repeat(2).formatted(SECRET, SECRET));
  }

  private static void assertError(String expected, String text) {
    TsigKeyFile.TsigConfigException e =
        assertThrows(
            TsigKeyFile.TsigConfigException.class, () -> TsigKeyFile.parse(text, "keys.conf"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("not base64!"), "the secret is not echoed");
  }

  @Test
  void inlineFormIsDigsOrder() throws Exception {
    List<TsigKey> keys =
        TsigKeyFile.parseInline("hmac-sha256:a:" + SECRET + ", hmac-sha1:b.example:" + SECRET, "V");
    assertEquals(
        List.of(Name.fromConstantString("a."), Name.fromConstantString("b.example.")),
        keys.stream().map(TsigKey::name).toList());
    TsigKeyFile.TsigConfigException e =
        assertThrows(
            TsigKeyFile.TsigConfigException.class,
            () -> TsigKeyFile.parseInline("a:" + SECRET, "V"));
    assertEquals("V entry 1: expected ALGORITHM:NAME:SECRET", e.getMessage());
  }

  @Test
  void aKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("keys.conf");
    Files.writeString(f, "key k { algorithm hmac-sha256; secret \"" + SECRET + "\"; };\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    TsigKeyFile.TsigConfigException e =
        assertThrows(TsigKeyFile.TsigConfigException.class, () -> TsigKeyFile.read(f));
    assertTrue(e.getMessage().contains("readable by group or others"), e.getMessage());
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals(1, TsigKeyFile.read(f).size());
    TsigKeyFile.TsigConfigException missing =
        assertThrows(
            TsigKeyFile.TsigConfigException.class,
            () -> TsigKeyFile.read(dir.resolve("nope.conf")));
    assertTrue(missing.getMessage().contains("nope.conf: cannot read"), missing.getMessage());
  }

  @Test
  void theCommandLineTakesKeysFromAFileOrTheEnvironmentAndChecksTheNamesUsed(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("keys.conf");
    Files.writeString(f, "key k1 { algorithm hmac-sha256; secret \"" + SECRET + "\"; };\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Cli.Serve s =
        (Cli.Serve)
            Cli.parse(
                new String[] {
                  "serve",
                  "--tsig-keys",
                  f.toString(),
                  "--allow-transfer",
                  "127.0.0.1 k1,10.0.0.0/8 k2,::1",
                  "--notify",
                  "127.0.0.1:5300 k2,127.0.0.1:5301"
                },
                Map.of("DNSPLANE_AUTHDNS_TSIG_KEYS", "hmac-sha512:k2:" + SECRET));
    assertEquals(2, s.xfr().keys().all().size());
    assertEquals(Name.fromConstantString("k2."), s.xfr().notifyTo().get(0).key());
    assertEquals(null, s.xfr().notifyTo().get(1).key());
    assertTrue(s.xfr().allowTransfer().allows(InetAddress.getByName("::1")));
    Cli.UsageException unknown =
        assertThrows(
            Cli.UsageException.class,
            () ->
                Cli.parse(
                    new String[] {"serve", "--allow-transfer", "127.0.0.1 missing"}, Map.of()));
    assertTrue(unknown.getMessage().contains("not configured"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("--allow-transfer"), unknown.getMessage());
    Cli.UsageException env =
        assertThrows(
            Cli.UsageException.class,
            () ->
                Cli.parse(
                    new String[] {"serve"},
                    Map.of("DNSPLANE_AUTHDNS_TSIG_KEYS_FILE", dir.resolve("missing").toString())));
    assertTrue(env.getMessage().contains("missing: cannot read"), env.getMessage());
    assertTrue(
        env.getMessage().startsWith("DNSPLANE_AUTHDNS_TSIG_KEYS_FILE (--tsig-keys): "),
        env.getMessage());
    Cli.UsageException inline =
        assertThrows(
            Cli.UsageException.class,
            () ->
                Cli.parse(
                    new String[] {"serve"}, Map.of("DNSPLANE_AUTHDNS_TSIG_KEYS", "hmac-sha256:k")));
    assertTrue(
        inline.getMessage().contains("DNSPLANE_AUTHDNS_TSIG_KEYS entry 1"), inline.getMessage());
  }
}
