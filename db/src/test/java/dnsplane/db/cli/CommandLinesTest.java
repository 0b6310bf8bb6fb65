package dnsplane.db.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class CommandLinesTest {

  @Command(name = "demo", description = "A command for the test.")
  static final class Demo {
    @Mixin HelpOption help;

    @Env("DEMO_LISTEN")
    @Option(names = "--listen", defaultValue = "127.0.0.1:1", description = "Where to listen.")
    String listen;

    @Env("DEMO_NOTIFY")
    @Option(names = "--notify", defaultValue = "default-notify")
    String notify;

    @Option(names = "--count")
    int count = 3;
  }

  private static Demo parse(Map<String, String> env, String... args) {
    Demo demo = new Demo();
    CommandLines.parse(CommandLines.create(demo, env), args);
    return demo;
  }

  @Test
  void aFlagWinsOverItsVariableWhichWinsOverTheDefault() {
    assertEquals("127.0.0.1:1", parse(Map.of()).listen);
    assertEquals("env", parse(Map.of("DEMO_LISTEN", "env")).listen);
    assertEquals("flag", parse(Map.of("DEMO_LISTEN", "env"), "--listen", "flag").listen);
    assertEquals("eq", parse(Map.of(), "--listen=eq").listen);
  }

  @Test
  void anEmptyVariableIsSetToEmpty() {
    assertEquals("", parse(Map.of("DEMO_NOTIFY", "")).notify);
  }

  @Test
  void aValueStartingWithAnAtSignIsTheValueNotAFile() {
    assertEquals("@/etc/passwd", parse(Map.of(), "--listen", "@/etc/passwd").listen);
    assertEquals(2, run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "@/etc/hosts"));
  }

  @Test
  void theLastOfARepeatedFlagWins() {
    assertEquals(7, parse(Map.of(), "--count", "5", "--count", "7").count);
  }

  @Test
  void helpListsTheVariablesAndExitsZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = run(out, new ByteArrayOutputStream(), "--help");
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    assertTrue(text.contains("--listen"), text);
    assertTrue(text.contains("DEMO_LISTEN"), text);
    assertTrue(text.contains("Environment"), text);
  }

  @Test
  void aBadCommandLineNamesTheProblemAndExitsTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = run(new ByteArrayOutputStream(), err, "--count", "many");
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(CommandLines.USAGE, code);
    assertTrue(text.startsWith("demo: "), text);
    assertTrue(text.contains("--count"), text);
    assertTrue(text.contains("many"), text);
    assertTrue(text.contains("usage: demo [-h]"), text);
  }

  @Test
  void anUnknownFlagIsABadCommandLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(new ByteArrayOutputStream(), err, "--nope"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--nope"));
  }

  @Test
  void aValueThatLooksLikeAFlagIsNotTakenAsTheValue() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run(new ByteArrayOutputStream(), err, "--listen", "--count", "4"));
  }

  @Test
  void theBodysOwnRejectionIsABadCommandLineToo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = CommandLines.create(new Demo(), Map.of());
    int code =
        CommandLines.run(
            "demo",
            cl,
            new String[] {"--count", "0"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            parsed -> {
              throw CommandLines.invalid(cl, "--count must be at least 1");
            });
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("demo: --count must be at least 1"));
  }

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return CommandLines.run(
        "demo",
        CommandLines.create(new Demo(), Map.of()),
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        parsed -> 0);
  }
}
