package dnsplane.enactor.store;

import dnsplane.enactor.rules.Plan;
import dnsplane.enactor.rules.PlanAddress;
import dnsplane.enactor.rules.PlanEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/** PlanStore reads plans as the planner wrote them (plan + plan_entry rows). */
public final class PlanStore {

  private final DataSource ds;

  public PlanStore(DataSource ds) {
    this.ds = Objects.requireNonNull(ds, "ds");
  }

  /** Every plan generation that exists now. */
  public Set<Long> generations() throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT generation FROM plan");
        ResultSet rs = ps.executeQuery()) {
      Set<Long> out = new TreeSet<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    }
  }

  public Optional<Long> newestGeneration() throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT max(generation) FROM plan");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long g = rs.getLong(1);
      return rs.wasNull() ? Optional.empty() : Optional.of(g);
    }
  }

  /** Plan {@code generation} with its entries sorted by endpoint; empty when it does not exist. */
  public Optional<Plan> load(long generation) throws SQLException {
    try (Connection c = ds.getConnection()) {
      // One snapshot, so a plan deleted meanwhile never comes back with no entries.
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        return load(c, generation);
      } finally {
        c.rollback();
        // Whoever gets this connection next may rely on READ COMMITTED (safe cleanup does).
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
    }
  }

  static Optional<Plan> load(Connection c, long generation) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM plan WHERE generation = ?")) {
      exists.setLong(1, generation);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
      }
    }
    String sql =
        "SELECT pe.endpoint, pe.ttl, pe.fail_open, x.a ->> 'address', (x.a ->> 'weight')::int,"
            + " x.a ->> 'az', pe.deleted, x.a::text FROM plan_entry pe"
            + " LEFT JOIN LATERAL jsonb_array_elements(pe.addresses) WITH ORDINALITY AS x(a, i) ON true"
            + " WHERE pe.generation = ? ORDER BY pe.endpoint, x.i";
    List<PlanEntry> entries = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, generation);
      ps.setFetchSize(5000);
      try (ResultSet rs = ps.executeQuery()) {
        String endpoint = null;
        int ttl = 0;
        boolean failOpen = false;
        boolean deleted = false;
        List<PlanAddress> addresses = new ArrayList<>();
        while (rs.next()) {
          String e = rs.getString(1);
          if (!e.equals(endpoint)) {
            if (endpoint != null) {
              entries.add(new PlanEntry(generation, endpoint, ttl, addresses, failOpen, deleted));
            }
            endpoint = e;
            ttl = rs.getInt(2);
            failOpen = rs.getBoolean(3);
            deleted = rs.getBoolean(7);
            addresses = new ArrayList<>();
          }
          String element = rs.getString(8);
          if (element != null) {
            // An element without an "address" string is kept as its JSON text, which no address
            // parses as: the safe enactor then rejects the entry instead of skipping the element.
            String address = rs.getString(4);
            addresses.add(new PlanAddress(address != null ? address : element, rs.getInt(5),
                rs.getString(6)));
          }
        }
        if (endpoint != null) {
          entries.add(new PlanEntry(generation, endpoint, ttl, addresses, failOpen, deleted));
        }
      }
    }
    return Optional.of(new Plan(generation, entries));
  }
}
