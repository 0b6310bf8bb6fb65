package dnsplane.planner.service;

/**
 * ServiceException is a request the planner refuses, with a message naming the problem. Thrown
 * before anything is stored, or inside the plan-writing transaction, which it then rolls back. The
 * kind says what went wrong in the planner's terms; the web layer alone turns it into a status.
 */
public abstract sealed class ServiceException extends RuntimeException {

  private ServiceException(String message) {
    super(message);
  }

  /** The request does not have the shape the API asks for (a body missing, not JSON, no list). */
  public static final class Malformed extends ServiceException {
    public Malformed(String message) {
      super(message);
    }
  }

  /** The request is well-formed but a value in it is refused (a bad name, address or setting). */
  public static final class Invalid extends ServiceException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** What the request names does not exist (an endpoint, a target, a plan). */
  public static final class NotFound extends ServiceException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The request contradicts the state it would change (reporting an actively checked target). */
  public static final class Conflict extends ServiceException {
    public Conflict(String message) {
      super(message);
    }
  }

  /** The request carries more than one call may (endpoints in a bulk PUT). */
  public static final class TooLarge extends ServiceException {
    public TooLarge(String message) {
      super(message);
    }
  }
}
