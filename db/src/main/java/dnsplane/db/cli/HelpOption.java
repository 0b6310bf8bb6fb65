package dnsplane.db.cli;

import picocli.CommandLine.Option;

/** The {@code -h}/{@code --help} flag every command has; mix in with {@code @Mixin}. */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  boolean help;
}
