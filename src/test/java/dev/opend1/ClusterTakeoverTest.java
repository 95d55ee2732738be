package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DataLayout;
import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.ServerProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eager and lazy takeover with real node processes on one PostgreSQL and one s3proxy, leases of 3
 * seconds. Eager: a node owning 20 databases is killed, and the two left take every one over
 * without a request for it, spread over both, each rebuilt once and its file built, no acknowledged
 * write lost. A node stopped with SIGTERM is known to have left: its databases are taken at once,
 * though its heartbeat is kept fresh, and it is live and serves when started again. Lazy: a killed
 * node's databases stay unserved until a request for one arrives.
 */
class ClusterTakeoverTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void eagerNodesTakeAKilledNodesDatabasesOverWithoutARequest() throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(3, dir, PG, TTL, List.of("--cluster-takeover", "eager"))) {
      List<String> dbs = written(cluster, 20);
      long killedAt = System.nanoTime();
      cluster.node(0).kill();

      List<Integer> owners = awaitOwners(cluster, dbs);
      System.out.printf(
          "eager takeover of %d databases: kill to all taken over without a request %.2f s"
              + " (lease ttl %d s)%n",
          dbs.size(), (System.nanoTime() - killedAt) / 1e9, TTL.toSeconds());
      assertThat(owners).as("taken by the nodes left").allMatch(o -> o == 1 || o == 2);
      assertThat(owners).as("spread over both").contains(1, 2);
      assertThat(awaitEagerTakeovers(cluster, dbs.size())).isEqualTo(dbs.size());
      for (int i = 0; i < dbs.size(); i++) {
        assertThat(sqliteFile(owners.get(i), dbs.get(i)))
            .as("the database file built on its new owner before any request")
            .isRegularFile();
      }
      assertThat(sum(cluster, "opend1_cluster_takeovers_total"))
          .as("each rebuilt from the bucket once")
          .isEqualTo(dbs.size());

      for (int i = 0; i < dbs.size(); i++) {
        String db = dbs.get(i);
        assertThat(cluster.values(1 + i % 2, db))
            .as("every acknowledged write of " + db)
            .isEqualTo(acknowledged());
        assertThat(cluster.queryServedBy(owners.get(i), db, "SELECT 1").status())
            .as("served by its new owner itself")
            .isEqualTo(200);
      }
      assertThat(sum(cluster, "opend1_cluster_takeovers_total"))
          .as("no request rebuilt one again")
          .isEqualTo(dbs.size());
      assertThat(ClusterNodes.series(cluster.metrics(1), "opend1_cluster_databases_unserved"))
          .isZero();
    }
  }

  @Test
  void eagerNodesTakeAStoppedNodesDatabasesOverOnceItLeftAndItServesWhenStartedAgain()
      throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(3, dir, PG, TTL, List.of("--cluster-takeover", "eager"))) {
      List<String> dbs = written(cluster, 6);
      String stopped = cluster.nodeId(0);
      long stoppedAt = System.nanoTime();
      assertThat(cluster.stop(0)).as("a clean stop").isZero();

      // Node 0's heartbeat is kept fresh here, as one still on its way (or a slow exit) would keep
      // it: the others would then wait for it to time out, which never comes; only its left mark
      // tells them it is gone.
      List<Integer> owners;
      try (Connection pg = cluster.connect();
          PreparedStatement beat =
              pg.prepareStatement("UPDATE nodes SET heartbeat_at = now() WHERE id = ?")) {
        beat.setString(1, stopped);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
          beat.executeUpdate();
          owners = new ArrayList<>();
          for (String db : dbs) {
            owners.add(cluster.owner(db));
          }
          if (owners.stream().allMatch(o -> o > 0) || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(250);
        }
      }
      System.out.printf(
          "eager takeover of %d databases of a node stopped with SIGTERM: stop to all taken over"
              + " %.2f s%n",
          dbs.size(), (System.nanoTime() - stoppedAt) / 1e9);
      assertThat(owners).as("taken by the nodes left").allMatch(o -> o == 1 || o == 2);
      assertThat(awaitEagerTakeovers(cluster, dbs.size()))
          .as("each taken once, with no request")
          .isEqualTo(dbs.size());
      assertThat(sum(cluster, "opend1_cluster_takeovers_total")).isEqualTo(dbs.size());
      assertThat(status(cluster)).contains(stopped + " left no");

      cluster.restart(0);
      assertThat(status(cluster)).as("live again").contains(stopped + " live yes");
      for (int i = 0; i < dbs.size(); i++) {
        assertThat(cluster.values(0, dbs.get(i)))
            .as("every acknowledged write, through the node started again")
            .isEqualTo(acknowledged());
      }
      // Node 0 holds nothing: new databases sent to node 1 as a client sends them are placed on the
      // live nodes holding the fewest leases (ties
      // to the smallest id, and ids are random), so by the third it has had one.
      String fresh = null;
      for (int i = 0; i < 3 && fresh == null; i++) {
        D1Client.Reply r =
            cluster
                .client(1, WAIT)
                .post(ClusterNodes.databases(), "{\"name\":\"after-restart-" + i + "\"}");
        ok(r);
        String made = r.result().path("uuid").asText();
        if (cluster.owner(made) == 0) {
          fresh = made;
        }
      }
      assertThat(fresh).as("a new database placed on the node started again").isNotNull();
      ok(cluster.queryServedBy(0, fresh, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
      ok(cluster.queryServedBy(0, fresh, "INSERT INTO t(v) VALUES (7)"));
      assertThat(cluster.values(2, fresh)).containsExactly(7);
    }
  }

  @Test
  void lazyNodesTakeAKilledNodesDatabaseOverOnlyOnARequest() throws Exception {
    try (ClusterNodes cluster =
        ClusterNodes.start(2, dir, PG, TTL, List.of("--cluster-takeover", "lazy"))) {
      List<String> dbs = written(cluster, 3);
      cluster.node(0).kill();
      // Past the ttl and the liveness timeout (10 s): an eager node would have taken them all.
      Thread.sleep(TTL.toMillis() + 12_000);
      for (String db : dbs) {
        assertThat(cluster.owner(db)).as("nobody took " + db).isEqualTo(-1);
      }
      assertThat(ClusterNodes.series(cluster.metrics(1), "opend1_cluster_databases_unserved"))
          .isEqualTo(dbs.size());

      assertThat(cluster.values(1, dbs.get(0))).isEqualTo(acknowledged());
      assertThat(cluster.owner(dbs.get(0))).as("taken on its request").isEqualTo(1);
      assertThat(cluster.owner(dbs.get(1))).isEqualTo(-1);
      assertThat(ClusterNodes.series(cluster.metrics(1), "opend1_cluster_eager_takeovers_total"))
          .isZero();
    }
  }

  /** The values {@link #written} writes to each database, each write acknowledged. */
  private static Set<Integer> acknowledged() {
    Set<Integer> v = new TreeSet<>();
    for (int i = 0; i <= 10; i++) {
      v.add(i);
    }
    return v;
  }

  /** {@code n} databases made on node 0, each with rows 0 to 9 and then 10 written there. */
  private static List<String> written(ClusterNodes cluster, int n) {
    List<String> dbs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String db = cluster.create(0, "takeover-" + i);
      ok(cluster.query(0, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
      ok(cluster.query(0, db, "INSERT INTO t(v) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)"));
      ok(cluster.query(0, db, "INSERT INTO t(v) VALUES (10)"));
      dbs.add(db);
    }
    return dbs;
  }

  /**
   * Each database's owner, once every one has a lease in force held by a node other than the killed
   * node 0 (read from PostgreSQL), or after {@link #WAIT}.
   */
  private static List<Integer> awaitOwners(ClusterNodes cluster, List<String> dbs)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<Integer> owners = new ArrayList<>();
      for (String db : dbs) {
        owners.add(cluster.owner(db));
      }
      if (owners.stream().allMatch(o -> o > 0) || System.nanoTime() > deadline) {
        return owners;
      }
      Thread.sleep(250);
    }
  }

  /**
   * The eager takeovers counted by the two nodes left, once they reach {@code n} (each is counted
   * once its database is open here, its file built) or after {@link #WAIT}.
   */
  private static long awaitEagerTakeovers(ClusterNodes cluster, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long taken = sum(cluster, "opend1_cluster_eager_takeovers_total");
    while (taken < n && System.nanoTime() < deadline) {
      Thread.sleep(250);
      taken = sum(cluster, "opend1_cluster_eager_takeovers_total");
    }
    return taken;
  }

  /** Node {@code i}'s SQLite file of database {@code db}. */
  private Path sqliteFile(int i, String db) {
    return new DataLayout(dir.resolve("node-" + i)).database(db).sqliteFile();
  }

  /**
   * {@code opend1 cluster status}, each node's line as "ID STATE ALIVE" (the columns are padded).
   */
  private static String status(ClusterNodes cluster) throws Exception {
    ServerProcess.Output r =
        ServerProcess.run(
            Map.of("PGPASSWORD", Postgres.PASSWORD),
            "cluster",
            "status",
            "--catalog",
            cluster.catalogUrl());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout().replaceAll(" +", " ");
  }

  /** A counter summed over the two nodes left. */
  private static long sum(ClusterNodes cluster, String series) throws Exception {
    return Math.round(
        ClusterNodes.series(cluster.metrics(1), series)
            + ClusterNodes.series(cluster.metrics(2), series));
  }

  private static void ok(D1Client.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
