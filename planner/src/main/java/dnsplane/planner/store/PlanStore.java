package dnsplane.planner.store;

import dnsplane.planner.plan.AddressFamily;
import dnsplane.planner.plan.Plan;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.plan.PlannedAddress;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * PlanStore holds all SQL for plans: reading them, and inserting plan N+1 with its entries and the
 * {@code dnsplane_plan} notification (delivered by PostgreSQL only when the transaction commits).
 * {@code plan_entry.addresses} and {@code plan_entry.held} hold {@link PlannedAddress} arrays.
 */
@Singleton
public final class PlanStore {

  /** The channel enactors LISTEN on; the payload is the new generation. */
  public static final String CHANNEL = "dnsplane_plan";

  private static final Argument<List<PlannedAddress>> ADDRESSES = Argument.listOf(PlannedAddress.class);

  private final JsonMapper json;

  public PlanStore(JsonMapper json) {
    this.json = json;
  }

  public Optional<Plan> latest(Connection c) throws SQLException {
    return list(c, "SELECT generation, created_at, reason FROM plan ORDER BY generation DESC LIMIT 1", null)
        .stream()
        .findFirst();
  }

  public Optional<Plan> get(Connection c, long generation) throws SQLException {
    return list(c, "SELECT generation, created_at, reason FROM plan WHERE generation = ?", generation)
        .stream()
        .findFirst();
  }

  /** The newest {@code limit} plans, newest first. */
  public List<Plan> newest(Connection c, int limit) throws SQLException {
    return list(
        c, "SELECT generation, created_at, reason FROM plan ORDER BY generation DESC LIMIT ?", (long) limit);
  }

  private List<Plan> list(Connection c, String sql, Long param) throws SQLException {
    Map<Long, Object[]> heads = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      if (param != null) {
        st.setLong(1, param);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          heads.put(
              rs.getLong(1), new Object[] {rs.getTimestamp(2).toInstant(), rs.getString(3)});
        }
      }
    }
    if (heads.isEmpty()) {
      return List.of();
    }
    Map<Long, List<PlanEntry>> entries = new LinkedHashMap<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT generation, endpoint, ttl, fail_open, addresses::text, fail_open_families, held::text, deleted"
                + " FROM plan_entry WHERE generation = ANY (?) ORDER BY generation, endpoint")) {
      Array gens = c.createArrayOf("bigint", heads.keySet().toArray());
      st.setArray(1, gens);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          entries.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(entry(rs));
        }
      }
    }
    List<Plan> out = new ArrayList<>();
    heads.forEach(
        (gen, head) ->
            out.add(
                new Plan(
                    gen,
                    (java.time.Instant) head[0],
                    (String) head[1],
                    entries.getOrDefault(gen, List.of()))));
    return out;
  }

  private PlanEntry entry(ResultSet rs) throws SQLException {
    List<PlannedAddress> addresses = parse(rs.getString(5));
    Set<AddressFamily> failOpen = EnumSet.noneOf(AddressFamily.class);
    for (String f : (String[]) rs.getArray(6).getArray()) {
      failOpen.add(AddressFamily.valueOf(f));
    }
    if (rs.getBoolean(4) && failOpen.isEmpty()) {
      // Written before fail open was per family: then it meant every target, so every family.
      addresses.forEach(a -> failOpen.add(AddressFamily.of(a.address())));
    }
    return new PlanEntry(rs.getString(2), rs.getInt(3), addresses, failOpen, parse(rs.getString(7)), rs.getBoolean(8));
  }

  /** Inserts the next plan (generation from {@code plan_generation_seq}) and notifies; returns it. */
  public long insert(Connection c, String reason, List<PlanEntry> entries) throws SQLException {
    long generation;
    try (PreparedStatement st =
            c.prepareStatement("INSERT INTO plan (reason) VALUES (?) RETURNING generation")) {
      st.setString(1, reason);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        generation = rs.getLong(1);
      }
    }
    // One statement for all entries (arrays unnested server-side): a 10,000-endpoint plan is one
    // round trip instead of a batch of 10,000 rows.
    int n = entries.size();
    String[] names = new String[n];
    Integer[] ttls = new Integer[n];
    Boolean[] failOpen = new Boolean[n];
    String[] addresses = new String[n];
    String[] families = new String[n];
    String[] held = new String[n];
    Boolean[] deleted = new Boolean[n];
    for (int i = 0; i < n; i++) {
      PlanEntry e = entries.get(i);
      names[i] = e.endpoint();
      ttls[i] = e.ttl();
      failOpen[i] = e.failOpen();
      addresses[i] = write(e.addresses());
      // An array literal per entry, cast per row: unnest() would flatten a two-dimensional array.
      families[i] = e.failOpenFamilies().stream().map(AddressFamily::name).collect(Collectors.joining(",", "{", "}"));
      held[i] = write(e.held());
      deleted[i] = e.deleted();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO plan_entry (generation, endpoint, ttl, fail_open, addresses, fail_open_families, held, deleted)"
                + " SELECT ?, e, t, f, a::jsonb, ff::text[], h::jsonb, d"
                + " FROM unnest(?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::boolean[])"
                + " AS x(e, t, f, a, ff, h, d)")) {
      st.setLong(1, generation);
      st.setArray(2, c.createArrayOf("text", names));
      st.setArray(3, c.createArrayOf("int4", ttls));
      st.setArray(4, c.createArrayOf("bool", failOpen));
      st.setArray(5, c.createArrayOf("text", addresses));
      st.setArray(6, c.createArrayOf("text", families));
      st.setArray(7, c.createArrayOf("text", held));
      st.setArray(8, c.createArrayOf("bool", deleted));
      st.executeUpdate();
    }
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      st.setString(1, CHANNEL);
      st.setString(2, Long.toString(generation));
      st.execute();
    }
    return generation;
  }

  private List<PlannedAddress> parse(String text) {
    try {
      return json.readValue(text, ADDRESSES);
    } catch (IOException e) {
      throw new UncheckedIOException("plan_entry.addresses is not an address list: " + text, e);
    }
  }

  private String write(List<PlannedAddress> addresses) {
    try {
      return new String(json.writeValueAsBytes(ADDRESSES, addresses), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
