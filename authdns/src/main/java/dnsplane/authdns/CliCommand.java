package dnsplane.authdns;

import dnsplane.db.DbSettings;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.EnvDefaults;
import dnsplane.db.cli.HelpOption;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * CliCommand is the authdns command line as picocli commands ({@code serve}, {@code migrate},
 * {@code zone import}, {@code zone export}, {@code help}), and the checks that turn a parse of it
 * into {@link Cli}'s records. Flags are read as text and checked here, so that a bad value names
 * the flag, or the variable it came from, and the text. {@code serve}, with most of the flags, is
 * {@link ServeCommand}, checked by {@link ServeValues}.
 */
final class CliCommand {

  /** The heading {@link CommandLines} puts over a command's variables. */
  private static final String ENVIRONMENT = "Environment (a flag wins over its variable):";

  /** The database's variables, which every command reads. */
  private static final String[] DATABASE =
      new String[] {
        row("DNSPLANE_DB_URL", "the database (" + DbSettings.DEFAULT_URL + ")"),
        row("DNSPLANE_DB_USER", "its user (" + DbSettings.DEFAULT_USER + ")"),
        row("DNSPLANE_DB_PASSWORD", "its user's password")
      };

  private CliCommand() {}

  @Command(
      name = "authdns",
      synopsisSubcommandLabel = "COMMAND",
      description = {
        "Authoritative DNS server: answers for the zones kept in PostgreSQL from an in-memory"
            + " snapshot, and keeps answering from its saved copy while PostgreSQL is down.",
      },
      commandListHeading = "%nCommands:%n",
      subcommands = {
        ServeCommand.class,
        MigrateCommand.class,
        ZoneCommand.class,
        HelpCommand.class
      },
      footer = {
        "",
        "Run 'authdns COMMAND --help' for a command's flags and what it does.",
        "Exit codes: 0 done, 1 failed (bad zone file, database unreachable or refusing),"
            + " 2 bad command line."
      })
  static final class TopCommand {
    @Mixin HelpOption help;
  }

  @Command(
      name = "migrate",
      description = {
        "Create the database if missing and apply the schema migrations (needs rights to"
            + " create; serve never migrates)."
      })
  static final class MigrateCommand {
    @Mixin HelpOption help;
  }

  @Command(
      name = "zone",
      synopsisSubcommandLabel = "(import | export | checkpoint)",
      description = {
        "Replace a zone from a master file, print one as a master file, or store a snapshot"
            + " checkpoint of every zone."
      },
      commandListHeading = "%nCommands:%n",
      subcommands = {ImportCommand.class, ExportCommand.class, CheckpointCommand.class})
  static final class ZoneCommand {
    @Mixin HelpOption help;
  }

  @Command(
      name = "import",
      description = {
        "Replace zone NAME (default: the owner of the file's SOA) with the RFC 1035 master FILE,"
            + " in one transaction; creates the database if missing and migrates it.",
        "",
        "Plan-managed rrsets (endpoints' A, AAAA, _plan TXT) are left alone, and listed.",
        "",
        "Then, when the database's newest snapshot checkpoint is missing or far behind, writes one"
            + " from the rows, so that servers starting empty read it instead of every rrset row."
      })
  static final class ImportCommand {
    @Mixin HelpOption help;

    @Option(
        names = "--no-checkpoint",
        description = "Write no snapshot checkpoint after the import.")
    boolean noCheckpoint;

    @Parameters(index = "0", paramLabel = "FILE", description = "The master file.")
    String file;

    @Option(
        names = "--origin",
        paramLabel = "NAME",
        description = "The zone to replace (default: the owner of the file's SOA).")
    String origin;
  }

  @Command(
      name = "export",
      description = {
        "Print zone NAME as a master file, SOA first, with the serial authdns serves; an empty"
            + " rrset is written as a ';dnsplane-empty' comment, which import reads back."
      })
  static final class ExportCommand {
    @Mixin HelpOption help;

    @Parameters(index = "0", paramLabel = "NAME", description = "The zone.")
    String zone;
  }

  @Command(
      name = "checkpoint",
      description = {
        "Write a snapshot checkpoint of every zone from the rrset rows, unless the newest one is"
            + " recent enough (as zone import does after an import), so that servers starting with"
            + " nothing of their own read it instead of every rrset row.",
        "",
        "For a database that has none: after an upgrade to a schema with checkpoints, or where"
            + " the servers' role may not write them. Needs the right to write them"
            + " (dnsplane_checkpoint_writer); exits 1 when one is due and cannot be written."
      })
  static final class CheckpointCommand {
    @Mixin HelpOption help;
  }

  @Command(
      name = "help",
      helpCommand = true,
      description = {"Print the help of authdns, or of COMMAND."})
  static final class HelpCommand {
    @Mixin HelpOption help;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "For example: zone import.")
    List<String> command = new ArrayList<>();
  }

  /** The command line, reading unset flags from {@code env}. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = CommandLines.create(new TopCommand(), env);
    CommandLine serve = cl.getSubcommands().get("serve");
    CommandLine zone = cl.getSubcommands().get("zone");
    environment(
        serve,
        row("DNSPLANE_AUTHDNS_TSIG_KEYS", "TSIG keys inline, 'ALG:NAME:SECRET,...' (no flag)"),
        row("DNSPLANE_STATE_DIR", "--state-dir's default is its authdns directory"));
    environment(serve, DATABASE);
    environment(cl.getSubcommands().get("migrate"), DATABASE);
    environment(zone.getSubcommands().get("import"), DATABASE);
    environment(zone.getSubcommands().get("export"), DATABASE);
    environment(zone.getSubcommands().get("checkpoint"), DATABASE);
    List<String> all = new ArrayList<>();
    for (OptionSpec option : serve.getCommandSpec().options()) {
      String variable = EnvDefaults.variable(option);
      if (variable != null) {
        all.add(row(variable, "serve " + option.longestName()));
      }
    }
    all.add(row("DNSPLANE_AUTHDNS_TSIG_KEYS", "serve: TSIG keys inline (no flag)"));
    all.addAll(List.of(DATABASE));
    environment(cl, all.toArray(String[]::new));
    return cl;
  }

  /** Adds {@code lines} to the Environment section of {@code cl}'s help, making one if needed. */
  private static void environment(CommandLine cl, String... lines) {
    CommandSpec spec = cl.getCommandSpec();
    List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
    if (!footer.contains(ENVIRONMENT)) {
      footer.add("");
      footer.add(ENVIRONMENT);
    }
    footer.addAll(List.of(lines));
    spec.usageMessage().footer(footer.toArray(String[]::new));
  }

  /** One line of an Environment section, as {@link CommandLines} writes them. */
  private static String row(String variable, String what) {
    return String.format("  %-38s %s", variable, what);
  }

  /**
   * The command {@code parsed} names, as a record.
   *
   * @throws ParameterException for a command line that cannot be run, naming the flag and value
   */
  static Cli toCli(ParseResult parsed, Map<String, String> env) {
    if (CommandLines.helpRequested(parsed)) {
      return new Cli.Help();
    }
    CommandLine top = parsed.commandSpec().commandLine();
    if (!parsed.hasSubcommand()) {
      throw CommandLines.invalid(top, "no command given");
    }
    ParseResult sub = parsed.subcommand();
    Object command = sub.commandSpec().userObject();
    if (command instanceof ServeCommand s) {
      return new ServeValues(sub, env).serve(s);
    }
    if (command instanceof MigrateCommand) {
      return new Cli.Migrate();
    }
    if (command instanceof HelpCommand) {
      helpTarget(parsed); // rejects 'help NOSUCHCOMMAND'
      return new Cli.Help();
    }
    if (command instanceof ZoneCommand) {
      CommandLine zone = sub.commandSpec().commandLine();
      if (!sub.hasSubcommand()) {
        throw CommandLines.invalid(
            zone, "zone: expected 'zone import FILE', 'zone export NAME' or 'zone checkpoint'");
      }
      ParseResult leaf = sub.subcommand();
      CommandLine cl = leaf.commandSpec().commandLine();
      if (leaf.commandSpec().userObject() instanceof ImportCommand i) {
        Path file;
        try {
          file = Path.of(i.file);
        } catch (InvalidPathException e) {
          throw CommandLines.invalid(cl, "FILE: bad path '" + i.file + "': " + e.getReason());
        }
        return new Cli.Import(
            file, i.origin == null ? null : name(cl, "--origin", i.origin), !i.noCheckpoint);
      }
      if (leaf.commandSpec().userObject() instanceof CheckpointCommand) {
        return new Cli.Checkpoint();
      }
      ExportCommand e = (ExportCommand) leaf.commandSpec().userObject();
      return new Cli.Export(name(cl, "NAME", e.zone));
    }
    throw new IllegalStateException("unhandled command " + command);
  }

  /** The help {@code authdns help [COMMAND...]} asks for. */
  static String helpText(ParseResult parsed) {
    return helpTarget(parsed).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  private static CommandLine helpTarget(ParseResult parsed) {
    CommandLine top = parsed.commandSpec().commandLine();
    ParseResult sub = parsed.subcommand();
    CommandLine target = top;
    if (sub != null && sub.commandSpec().userObject() instanceof HelpCommand h) {
      for (String word : h.command) {
        CommandLine next = target.getSubcommands().get(word);
        if (next == null || next.getCommandSpec().userObject() instanceof HelpCommand) {
          throw CommandLines.invalid(
              sub.commandSpec().commandLine(), "help: unknown command '" + word + "'");
        }
        target = next;
      }
    }
    return target;
  }

  static Name name(CommandLine cl, String what, String text) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw CommandLines.invalid(cl, what + ": bad name '" + text + "' (" + e.getMessage() + ")");
    }
  }
}
