package dnsplane.planner.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** ConsoleViews holds the JSON shapes of {@code /ui/api/*}. */
public final class ConsoleViews {

  private ConsoleViews() {}

  /**
   * GET /ui/api/state. {@code error} says why the data is old (the database failed), else null.
   * {@code endpoints} are at most max-probed of those whose name contains {@code ?q}, by name, plus
   * {@code ?selected} when it exists; {@code total} is how many endpoints exist (counted every few
   * seconds); {@code matched} how many contain {@code q} (all: {@code total}), exact unless {@code
   * matchedMore}: then there are more than {@code matched}.
   */
  @Serdeable
  public record State(
      String now,
      @Nullable String updatedAt,
      @Nullable String error,
      List<Server> servers,
      List<Enactor> enactors,
      List<Endpoint> endpoints,
      long total,
      long matched,
      boolean matchedMore) {}

  /** A DNS server the console asks: {@code kind} is {@code authdns} or {@code resolver}. */
  @Serdeable
  public record Server(String name, String kind, String address) {}

  /**
   * One enactor: from its admin API when {@code reachable}, else from its enactor_status row
   * ({@code url} null: not configured, known from the table only).
   */
  @Serdeable
  public record Enactor(
      String az,
      @Nullable String url,
      boolean reachable,
      @Nullable String mode,
      boolean paused,
      boolean stuck,
      @Nullable String stuckReason,
      @Nullable Long lastAppliedGeneration,
      List<Fault> faults,
      @Nullable Waiting waiting,
      @Nullable String error) {}

  /** An injected delay; {@code delay} is ISO-8601 (PT20S). */
  @Serdeable
  public record Fault(String endpoint, String delay) {}

  /** The delayed endpoint an enactor is waiting on, with the plan it holds. */
  @Serdeable
  public record Waiting(String endpoint, long generation) {}

  /**
   * One endpoint: what the newest plan says, what each enactor applied ({@code applied}, by az),
   * what its rrsets hold, and what each server answers ({@code answers}, by server name; absent
   * when not probed).
   */
  @Serdeable
  public record Endpoint(
      String name,
      boolean guarded,
      PlanPart plan,
      Map<String, Long> applied,
      @Nullable Long rrsetGeneration,
      Map<String, DnsAnswer> answers) {}

  /**
   * The newest plan's entry for an endpoint ({@code generation} null when no plan has it), with
   * every target: {@code published} when the plan lists it.
   */
  @Serdeable
  public record PlanPart(
      @Nullable Long generation,
      boolean deleted,
      List<String> failOpenFamilies,
      List<PlanAddress> entries) {}

  /**
   * One target of an endpoint: its health as reported or checked; {@code failOpen}: published
   * although unhealthy because its whole family is; {@code velocityHeld}: unhealthy, still
   * published because the velocity limit holds its removal back.
   */
  @Serdeable
  public record PlanAddress(
      String address,
      String family,
      @Nullable String az,
      int weight,
      boolean healthy,
      boolean published,
      boolean failOpen,
      boolean velocityHeld) {}

  /** GET /ui/api/timeline. */
  @Serdeable
  public record TimelineView(
      String endpoint, String from, String to, List<Timeline.Sample> samples, List<Event> events) {}

  /** One audit row of an endpoint (or an endpoint-less one that concerns every endpoint). */
  @Serdeable
  public record Event(
      String t,
      String actor,
      String action,
      @Nullable Long generation,
      @Nullable Long previousGeneration,
      @Nullable Long newGeneration,
      @Nullable String detail) {}
}
