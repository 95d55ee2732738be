package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node joining a cluster ({@code --advertise-url} with the catalog in PostgreSQL, an object store
 * and the shared secret), as a process against real PostgreSQL and s3proxy: it registers in {@code
 * nodes} under the id kept in its data directory, keeps heartbeating, and never prints the secret.
 */
class ClusterJoinTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final String SECRET = "the-cluster-secret-of-the-test";

  @TempDir Path dir;

  @Test
  void aNodeRegistersAndHeartbeatsAndNeverPrintsTheSecret() throws Exception {
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      Map<String, String> env = new HashMap<>(s3.env());
      env.put("PGPASSWORD", Postgres.PASSWORD);
      env.put("OPEND1_CLUSTER_SECRET", SECRET);
      List<String> flags =
          List.of(
              "--catalog",
              PG.catalogUrl(),
              "--object-store",
              "s3://" + S3Proxy.BUCKET + "/cluster",
              "--object-store-endpoint",
              s3.endpoint(),
              "--advertise-url",
              "http://127.0.0.1:1");
      try (ServerProcess node = ServerProcess.start(dir.resolve("n"), List.of(), flags, env)) {
        String id = Files.readString(dir.resolve("n").resolve("node-id")).strip();
        OffsetDateTime first = heartbeat(id);
        assertThat(first).isNotNull();
        long deadline = System.nanoTime() + 30_000_000_000L;
        OffsetDateTime later = first;
        while (!later.isAfter(first) && System.nanoTime() < deadline) {
          Thread.sleep(200);
          later = heartbeat(id);
        }
        assertThat(later).isAfter(first);
        assertThat(node.stdout() + node.stderr()).doesNotContain(SECRET).contains(id);

        // The operator's view, straight from PostgreSQL.
        ServerProcess.Output status =
            ServerProcess.run(
                Map.of("PGPASSWORD", Postgres.PASSWORD),
                "cluster",
                "status",
                "--catalog",
                PG.catalogUrl());
        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(status.stdout())
            .containsPattern(id + " +live +yes .* 0  http://127.0.0.1:1 \\(")
            .contains("1 node(s), 1 alive");
      }
    }
  }

  /** The node's row: its advertise URL must be the one given; its heartbeat time. */
  private static OffsetDateTime heartbeat(String id) throws Exception {
    try (Connection c =
            DriverManager.getConnection(PG.jdbcUrl(), Postgres.USER, Postgres.PASSWORD);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT advertise_url, state, heartbeat_at FROM nodes WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("node " + id + " registered").isTrue();
        assertThat(rs.getString(1)).isEqualTo("http://127.0.0.1:1");
        assertThat(rs.getString(2)).isEqualTo("live");
        return rs.getObject(3, OffsetDateTime.class);
      }
    }
  }
}
