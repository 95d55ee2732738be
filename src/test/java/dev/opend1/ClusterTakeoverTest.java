package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eager and lazy takeover with real node processes on one PostgreSQL and one s3proxy, leases of 3
 * seconds. Eager: a node owning 20 databases is killed, and the two left take every one over
 * without a request for it, spread over both, each rebuilt once, no acknowledged write lost. Lazy:
 * a killed node's databases stay unserved until a request for one arrives.
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
      assertThat(sum(cluster, "opend1_cluster_eager_takeovers_total")).isEqualTo(dbs.size());
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
