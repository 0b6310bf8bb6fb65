package dnsplane.authdns.e2e;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.testing.PrivateCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * ServingCluster is a private PostgreSQL cluster of one test's own (so it can be stopped), with the
 * schema, example.org. ({@link #ZONE}) imported, and a role that has what serving needs and no
 * more: {@link #reader}, in the group role {@code dnsplane_reader}. {@link #admin} may write.
 */
final class ServingCluster implements AutoCloseable {

  static final String ZONE = dnsplane.authdns.testing.TestZones.EXAMPLE_ORG;

  final PrivateCluster cluster;
  final DbSettings admin;
  final DbSettings reader;

  private ServingCluster(PrivateCluster cluster, DbSettings admin, DbSettings reader) {
    this.cluster = cluster;
    this.admin = admin;
    this.reader = reader;
  }

  static ServingCluster start() throws Exception {
    PrivateCluster cluster = PrivateCluster.start();
    try {
      DbSettings admin = cluster.settings("dnsplane");
      DbBootstrap.prepare(admin);
      ZoneImporter.importText(admin, ZONE, null);
      sql(admin, "CREATE ROLE authdns_ro LOGIN IN ROLE dnsplane_reader");
      return new ServingCluster(cluster, admin, new DbSettings(admin.jdbcUrl(), "authdns_ro", ""));
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Runs {@code statement} as {@code db}'s role. */
  static void sql(DbSettings db, String statement) throws SQLException {
    try (Connection c = DbBootstrap.connect(db);
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
