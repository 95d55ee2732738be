package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server moved into a cluster, with real processes: a standalone server ships to the
 * bucket prefix the cluster then uses, its catalog is imported ({@code opend1 cluster
 * import-catalog}), and two nodes serve its databases, the first on the standalone server's data
 * directory. The standalone server's rows, and the cluster's writes after them, survive the first
 * node's death; a standalone server started again on the prefix cannot write once a node took its
 * database, and its late upload is not in the cluster's history; once the cluster ships to the
 * prefix, a standalone server's start there is refused. The tests share one cluster, in order: the
 * first kills node 0, the second starts it again. Whatever the standalone servers do happens first,
 * before any node ships (a standalone server is refused on the prefix after that).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneIntoClusterTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration REQUEST = Duration.ofSeconds(60);
  private static final List<String> SYNC = List.of("--object-store-durability", "sync");

  @TempDir static Path dir;

  private static ClusterNodes cluster;
  private static final List<ServerProcess> standalones = new ArrayList<>();

  /** When the first standalone server started: its generation is above this. */
  private static long before;

  /** The first standalone server's database, moved with its data directory (node 0's). */
  private static String orders;

  /** The second standalone server's data directory, and its database. */
  private static Path lateHome;

  private static String late;

  /** The second standalone server, started again by mistake after its import and still running. */
  private static ServerProcess lateServer;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.prepare(2, dir, PG, TTL);
    // Both standalone servers write and are imported before any node starts: once one ships to
    // the prefix, a standalone server's start there is refused.
    before = System.currentTimeMillis();
    orders = standaloneWrote(cluster.dataDir(0), "orders", 50, List.of());
    ServerProcess.Output imported = importCatalog(cluster.dataDir(0));
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    assertThat(imported.stdout()).contains("record(s) added");
    ServerProcess.Output again = importCatalog(cluster.dataDir(0));
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).as("idempotent").contains("0 record(s) added");

    lateHome = dir.resolve("standalone-2");
    late = standaloneWrote(lateHome, "late", 20, SYNC);
    imported = importCatalog(lateHome);
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    // Started again by mistake, on the same prefix: it writes before any node ships there.
    lateServer = standalone(lateHome, SYNC);
    ok(query(client(lateServer), late, "INSERT INTO t(v) VALUES (21)"));
  }

  @AfterAll
  static void stop() {
    standalones.forEach(ServerProcess::close);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aStandaloneServersDatabaseIsServedByTheClusterWithEveryRowAndSurvivesAKill()
      throws Exception {
    String db = orders;
    // Node 0 on the standalone server's data directory, node 1 on an empty one.
    cluster.restart(0);
    cluster.restart(1);
    ok(cluster.queryServedBy(0, db, "SELECT count(*) FROM t"));
    assertThat(cluster.owner(db)).as("node 0 serves its own copy").isZero();
    assertThat(epoch(db))
        .as("the first lease's epoch is above the standalone server's generation")
        .isGreaterThan(before << 20);
    assertThat(cluster.values(1, db)).as("every standalone row").isEqualTo(range(1, 50));

    // The cluster's writes are accepted, through the other node too, and shipped.
    for (int v = 51; v <= 80; v++) {
      ok(cluster.query(1, db, "INSERT INTO t(v) VALUES (" + v + ")"));
    }

    // Node 0 dies: node 1 takes the database over from the bucket with every acknowledged row.
    cluster.node(0).kill();
    long killedAt = System.nanoTime();
    D1Client.Reply served;
    do {
      served = cluster.query(1, db, "INSERT INTO t(v) VALUES (81)");
      if (served.status() != 200) {
        Thread.sleep(200);
      }
    } while (served.status() != 200 && System.nanoTime() - killedAt < 120_000_000_000L);
    assertThat(served.status()).as(served.body()).isEqualTo(200);
    assertThat(cluster.owner(db)).isEqualTo(1);
    assertThat(cluster.values(1, db)).isEqualTo(range(1, 81));
  }

  @Test
  @Order(2)
  void aStandaloneServerStillOnThePrefixCannotWriteAndItsLateUploadIsLeftOut() throws Exception {
    String db = late;
    D1Client client = client(lateServer);

    // A node took it from the bucket once the nodes started (eagerly, or now at this request),
    // above the standalone server's generation; node 1 serves it and writes.
    assertThat(cluster.values(1, db)).isEqualTo(range(1, 21));
    ok(cluster.query(1, db, "INSERT INTO t(v) VALUES (100)"));

    // The standalone server's next write: its last look at the claims is over a second old, so it
    // looks before counting the upload, finds the node's claim above its own, and is fenced.
    Thread.sleep(1_500);
    D1Client.Reply fenced = query(client, db, "INSERT INTO t(v) VALUES (999)");
    assertThat(fenced.status()).as(fenced.body()).isEqualTo(503);
    assertThat(query(client, db, "INSERT INTO t(v) VALUES (998)").status())
        .as("and stays fenced")
        .isEqualTo(503);
    ok(cluster.query(1, db, "INSERT INTO t(v) VALUES (101)"));
    Set<Integer> expected = range(1, 21);
    expected.addAll(List.of(100, 101));
    assertThat(cluster.values(1, db)).isEqualTo(expected);

    // Rebuilt from the bucket by another node: the late upload is not in the history.
    assertThat(cluster.stop(1)).isZero();
    cluster.restart(0);
    assertThat(cluster.values(0, db)).isEqualTo(expected);
    assertThat(cluster.owner(db)).isZero();

    // Stopped, and started again on the prefix the cluster now ships to: refused (PrefixGuard).
    lateServer.signalTerm();
    lateServer.awaitExit(Duration.ofMinutes(2));
    List<String> args =
        new ArrayList<>(List.of("serve", "--port", "0", "--data-dir", lateHome.toString()));
    args.addAll(objectStoreFlags());
    ServerProcess.Output refused = ServerProcess.run(env(), args.toArray(String[]::new));
    assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("s3://" + S3Proxy.BUCKET)
        .contains("is a cluster's")
        .contains("opend1 cluster import-catalog");
  }

  /**
   * A standalone server on {@code home} creates the database {@code name} with a table of the
   * values 1 to {@code rows}, and is stopped; the database's id.
   */
  private static String standaloneWrote(Path home, String name, int rows, List<String> extra)
      throws Exception {
    ServerProcess standalone = standalone(home, extra);
    D1Client client = client(standalone);
    String db = create(client, name);
    ok(query(client, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)"));
    for (int v = 1; v <= rows; v++) {
      ok(query(client, db, "INSERT INTO t(v) VALUES (" + v + ")"));
    }
    assertThat(stop(standalone)).isZero();
    return db;
  }

  /** A standalone server shipping to the cluster's prefix, with the cluster's account and token. */
  private static ServerProcess standalone(Path home, List<String> extra) throws Exception {
    List<String> flags = new ArrayList<>(objectStoreFlags());
    flags.addAll(extra);
    ServerProcess p = ServerProcess.start(home, List.of(), flags, env());
    standalones.add(p);
    return p;
  }

  private static List<String> objectStoreFlags() {
    return List.of(
        "--object-store",
        ClusterNodes.bucketUrl(),
        "--object-store-endpoint",
        cluster.s3().endpoint());
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(cluster.s3().env());
    env.put("OPEND1_ACCOUNT_ID", ClusterNodes.ACCOUNT);
    env.put("OPEND1_API_TOKEN", ClusterNodes.TOKEN);
    return env;
  }

  /** Stops a standalone server as an operator does (SIGTERM); its exit status. */
  private static int stop(ServerProcess p) throws InterruptedException {
    p.signalTerm();
    return p.awaitExit(Duration.ofMinutes(2));
  }

  private static ServerProcess.Output importCatalog(Path home) throws Exception {
    Path password = dir.resolve("pgpassword");
    Files.writeString(password, Postgres.PASSWORD + "\n", StandardCharsets.UTF_8);
    return Commands.run(
        "cluster",
        "import-catalog",
        "--data-dir",
        home.toString(),
        "--catalog",
        cluster.catalogUrl(),
        "--catalog-password-file",
        password.toString());
  }

  /** The epoch of the database's lease row, from PostgreSQL. */
  private static long epoch(String db) throws Exception {
    try (java.sql.Connection c = cluster.connect();
        java.sql.PreparedStatement st =
            c.prepareStatement("SELECT epoch FROM database_leases WHERE database_id = ?")) {
      st.setString(1, db);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1);
      }
    }
  }

  private static D1Client client(ServerProcess p) {
    return new D1Client(
        p.baseUrl(), Map.of("Authorization", "Bearer " + ClusterNodes.TOKEN), REQUEST);
  }

  private static String create(D1Client client, String name) {
    D1Client.Reply r = client.post(ClusterNodes.databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().path("uuid").asText();
  }

  private static D1Client.Reply query(D1Client client, String db, String sql) {
    return client.post(
        ClusterNodes.databases() + "/" + db + "/query",
        D1Client.JSON.createObjectNode().put("sql", sql).toString());
  }

  private static void ok(D1Client.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static Set<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
  }
}
