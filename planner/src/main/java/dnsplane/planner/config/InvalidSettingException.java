package dnsplane.planner.config;

/**
 * InvalidSettingException is a configuration value the planner cannot run with. Its message names
 * the setting, its environment variable, what it accepts and what it got; {@code Application}
 * prints it and exits 2 when it stops the start.
 */
public final class InvalidSettingException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidSettingException(String message) {
    super(message);
  }
}
