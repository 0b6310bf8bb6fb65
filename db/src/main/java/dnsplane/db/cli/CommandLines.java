package dnsplane.db.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * CommandLines gives every dnsplane main the same command-line behaviour (picocli): flags as {@code
 * --flag VALUE} or {@code --flag=VALUE}, the last of a repeated flag winning; unset flags filled
 * from the variables their {@link Env} names; {@code -h}/{@code --help} printing the usage with an
 * Environment section; and a bad command line answered with {@code PROGRAM: what is wrong}, the
 * synopsis, and exit code 2.
 */
public final class CommandLines {

  /** The exit code of a command line that cannot be run. */
  public static final int USAGE = CommandLine.ExitCode.USAGE;

  private CommandLines() {}

  /** A command line for {@code command} (a picocli {@code @Command}) reading {@code env}. */
  public static CommandLine create(Object command, Map<String, String> env) {
    CommandLine cl = new CommandLine(command);
    cl.setDefaultValueProvider(new EnvDefaults(env));
    cl.setOverwrittenOptionsAllowed(true);
    // A value may start with '@' (a token, a TSIG secret): never read it as a file of arguments.
    cl.setExpandAtFiles(false);
    cl.setUsageHelpWidth(100);
    listEnvironment(cl);
    return cl;
  }

  /**
   * Parses {@code args} into the command's fields.
   *
   * @return the parse result; {@link #helpRequested} tells whether help was asked for
   * @throws ParameterException for a command line that cannot be run
   */
  public static ParseResult parse(CommandLine cl, String[] args) {
    return cl.parseArgs(args);
  }

  /** Whether {@code -h}/{@code --help} (or a subcommand's) was given. */
  public static boolean helpRequested(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.isUsageHelpRequested()) {
        return true;
      }
    }
    return false;
  }

  /** The usage of the innermost command {@code parsed} names. */
  public static String usage(ParseResult parsed) {
    ParseResult p = parsed;
    while (p.hasSubcommand()) {
      p = p.subcommand();
    }
    return p.commandSpec().commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /**
   * Parses and runs: help goes to {@code out} (exit 0), a bad command line to {@code err} (exit 2),
   * anything else to {@code body}, whose {@link ParameterException}s are bad command lines too.
   */
  public static int run(
      String program, CommandLine cl, String[] args, PrintStream out, PrintStream err, Body body) {
    try {
      ParseResult parsed = parse(cl, args);
      if (helpRequested(parsed)) {
        out.print(usage(parsed));
        out.flush();
        return CommandLine.ExitCode.OK;
      }
      return body.run(parsed);
    } catch (ParameterException e) {
      return usageError(program, e, err);
    }
  }

  /** What a main does with a parsed command line; returns the exit code. */
  @FunctionalInterface
  public interface Body {
    int run(ParseResult parsed);
  }

  /** Prints {@code PROGRAM: message}, the synopsis and where help is; returns 2. */
  public static int usageError(String program, ParameterException e, PrintStream err) {
    CommandLine where = e.getCommandLine();
    err.println(program + ": " + e.getMessage());
    if (where != null) {
      err.print("usage: " + where.getHelp().synopsis(0));
      err.println("Run '" + where.getCommandSpec().qualifiedName() + " --help' for every flag.");
    }
    err.flush();
    return USAGE;
  }

  /** A bad command line found after parsing (a value the types alone could not reject). */
  public static ParameterException invalid(CommandLine cl, String message) {
    return new ParameterException(cl, message);
  }

  /** A writer for {@code stream} in UTF-8, for {@link CommandLine#setOut}. */
  public static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }

  /** Adds to each command's help the variables its flags fall back to. */
  private static void listEnvironment(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    List<String> lines = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      String variable = EnvDefaults.variable(option);
      if (variable != null) {
        lines.add(String.format("  %-38s %s", variable, option.longestName()));
      }
    }
    if (!lines.isEmpty()) {
      List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
      footer.add("");
      footer.add("Environment (a flag wins over its variable):");
      footer.addAll(lines);
      spec.usageMessage().footer(footer.toArray(String[]::new));
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      listEnvironment(sub);
    }
  }
}
