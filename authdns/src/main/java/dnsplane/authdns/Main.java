package dnsplane.authdns;

import dnsplane.authdns.persist.CheckpointWriter;
import dnsplane.authdns.persist.RowsCheckpoint;
import dnsplane.authdns.store.ImportResult;
import dnsplane.authdns.store.ZoneExporter;
import dnsplane.authdns.store.ZoneFileException;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DatabaseUnavailableException;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.cli.CommandLines;
import dnsplane.db.cli.NettyDefaults;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Main is the authdns command: {@code serve}, {@code migrate}, {@code zone import} and {@code zone
 * export} ({@code authdns --help}; the command line is {@link CliCommand}'s). Exit codes: 0 done, 1
 * failed (bad zone file, database unreachable), 2 bad command line.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    NettyDefaults.apply();
    LogConfig.install();
    if (args.length > 0 && args[0].equals("serve")) {
      // The follower's first connection, opened while the command line is parsed (help too:
      // a connection never used is closed with the JVM).
      EarlyConnection.start(DbSettings.fromEnv(System.getenv()));
    }
    System.exit(run(args));
  }

  /** Runs one command; returns the exit code. */
  public static int run(String[] args) {
    return run(args, System.getenv(), System.out, System.err);
  }

  /**
   * Runs one command with the environment {@code env}, writing to {@code out} and {@code err};
   * returns the exit code. Help goes to {@code out} (0); a bad command line is answered on {@code
   * err} with {@code authdns: WHAT IS WRONG} and the command's synopsis (2), as every dnsplane main
   * does.
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cl = CliCommand.commandLine(env);
    return CommandLines.run(
        "authdns",
        cl,
        args,
        out,
        err,
        parsed -> {
          Cli cli = CliCommand.toCli(parsed, env);
          if (cli instanceof Cli.Help) {
            // 'authdns help [COMMAND]': -h/--help never get here.
            out.print(CliCommand.helpText(parsed));
            out.flush();
            return 0;
          }
          return execute(cli, DbSettings.fromEnv(env), out, err);
        });
  }

  private static int execute(Cli cli, DbSettings db, PrintStream out, PrintStream err) {
    try {
      if (cli instanceof Cli.Migrate) {
        int applied = DbBootstrap.prepare(db);
        out.println(
            "database "
                + db.databaseName()
                + " is migrated ("
                + applied
                + " migration(s) applied)");
        return 0;
      }
      if (cli instanceof Cli.Serve s) {
        // Serving needs read rights only and must start while PostgreSQL is down: no migration.
        return serve(db, s);
      }
      if (cli instanceof Cli.Import i) {
        // An import is an operator's write, often the first thing done to a new database.
        DbBootstrap.prepare(db);
        // Streamed: the file is never held whole, whatever its size.
        ImportResult r = ZoneImporter.importFile(db, i.file(), i.origin());
        out.println("imported " + r);
        if (!r.leftAlone().isEmpty()) {
          // The enactors own these; the file's version of them was not applied.
          out.println(r.leftAloneSummary());
        }
        if (i.checkpoint()) {
          try {
            out.println(writeCheckpoint(db, "zone import").describe());
          } catch (SQLException | IOException | RuntimeException e) {
            err.println(
                "authdns: the import is committed; writing a snapshot checkpoint after it failed ("
                    + e
                    + "): servers will load every rrset row, or a checkpoint a server writes");
          }
        }
        return 0;
      }
      if (cli instanceof Cli.Checkpoint) {
        RowsCheckpoint.Outcome o = writeCheckpoint(db, "zone checkpoint");
        if (o instanceof RowsCheckpoint.Refused) {
          err.println("authdns: " + o.describe());
          return 1;
        }
        out.println(o.describe());
        return 0;
      }
      if (cli instanceof Cli.Export e) {
        out.print(ZoneExporter.export(db, e.zone()));
        return 0;
      }
      throw new IllegalStateException("unhandled command " + cli);
    } catch (ZoneFileException e) {
      err.println("authdns: zone file rejected, nothing changed: " + e.getMessage());
      return 1;
    } catch (NoSuchElementException e) {
      err.println("authdns: " + e.getMessage());
      return 1;
    } catch (DatabaseUnavailableException | HeapBudget.HeapTooSmallException e) {
      err.println("authdns: " + e.getMessage());
      return 1;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        err.println("authdns: the database has no dnsplane schema; run 'authdns migrate'");
        return 1;
      }
      err.println("authdns: database refused the change, nothing changed: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("authdns: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /**
   * A checkpoint of the database from its rows when one is due: after an import (committed: nothing
   * here can undo it), so that the first servers of a freshly imported database do not parse every
   * row, or when an operator asks for one. {@code by} names the command in the checkpoint's row.
   */
  private static RowsCheckpoint.Outcome writeCheckpoint(DbSettings db, String by)
      throws SQLException, IOException {
    try (Connection read = DbBootstrap.connect(db);
        Connection write = DbBootstrap.connect(db)) {
      return RowsCheckpoint.write(
          read,
          write,
          by + " pid " + ProcessHandle.current().pid(),
          CheckpointWriter.Policy.defaults());
    }
  }

  private static int serve(DbSettings db, Cli.Serve s) throws IOException, InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    // SIGTERM/SIGINT only wake main, which closes everything in order and exits 0: a service
    // manager sees a clean stop rather than the JVM's default 143. Installed before start, so a
    // signal during start-up is not lost either.
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(name),
          sig -> {
            log.info("SIG{}: stopping", sig.getName());
            stop.countDown();
          });
    }
    AuthDns authDns =
        AuthDns.start(
            db,
            s.listen(),
            s.http(),
            s.xfr(),
            dnsplane.authdns.net.ServerOptions.defaults().withRrl(s.rrl()),
            s.persist(),
            dnsplane.authdns.sync.FollowerOptions.defaults().withStandbyPoll(s.standbyPoll()));
    stop.await();
    authDns.close();
    log.info("stopped");
    return 0;
  }
}
