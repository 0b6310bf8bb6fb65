package dnsplane.db.rrset;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Refusals recognises the schema's refusals of an rrset write, so callers can count them per entry
 * instead of failing a whole plan: the non-empty guard and the address rdata CHECK.
 */
public final class Refusals {

  /** The schema's CHECK that A and AAAA rdata are addresses of their family. */
  public static final String RDATA_CHECK = "rrset_address_rdata_valid";

  private Refusals() {}

  /**
   * True when the schema's guard refused: the non-empty trigger ("would publish no address") or
   * plan_delete_guard ("still applied to guarded endpoint").
   */
  public static boolean guard(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p) {
        ServerErrorMessage m = p.getServerErrorMessage();
        String hint = m == null ? null : m.getHint();
        if (hint != null && hint.startsWith("dnsplane ") && hint.endsWith(" guard")) {
          return true;
        }
      }
      String msg = t.getMessage();
      if (msg != null
          && (msg.contains("would publish no address")
              || msg.contains("still applied to guarded"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the schema's rdata CHECK refused an A or AAAA value that is not an address of that
   * family (23514 on {@code rrset_address_rdata_valid}): a legacy write of a malformed plan.
   */
  public static boolean invalidRdata(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException p && "23514".equals(p.getSQLState())) {
        ServerErrorMessage m = p.getServerErrorMessage();
        if (m != null && RDATA_CHECK.equals(m.getConstraint())) {
          return true;
        }
      }
      String msg = t.getMessage();
      if (msg != null && msg.contains("\"" + RDATA_CHECK + "\"")) {
        return true;
      }
    }
    return false;
  }
}
