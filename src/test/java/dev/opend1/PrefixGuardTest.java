package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.history.BucketNames;
import dev.opend1.objectstore.Backups;
import dev.opend1.objectstore.S3ObjectStore;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One kind of catalog per bucket prefix, with real processes, s3proxy and PostgreSQL: a standalone
 * server is refused on a prefix a cluster ships to, and a server whose catalog is in PostgreSQL on
 * a standalone server's prefix until that server's catalog was imported; a refused start changes
 * nothing, in the bucket or in the data directory (docs/cluster.md#one-kind-of-catalog-per-prefix).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrefixGuardTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "configured-token-for-the-prefix-test";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static S3Proxy s3;

  @BeforeAll
  static void startStore() throws Exception {
    s3 = S3Proxy.start(shared.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopStore() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aStandaloneServerIsRefusedOnAClustersPrefixChangingNothing() throws Exception {
    Path home = dir.resolve("standalone");
    String db = standaloneWroteADatabase(home, "clustered");
    // A cluster starts shipping to the prefix: its nodes store the mark there.
    try (S3ObjectStore store = store("clustered")) {
      store.putIfAbsent(BucketNames.CATALOG_ELSEWHERE, "mark".getBytes(StandardCharsets.UTF_8));
    }
    Map<String, String> bucketBefore = tree(prefixDir("clustered"));
    Map<String, String> homeBefore = tree(home);
    assertThat(bucketBefore).containsKey("db/" + db + "/gen").containsKey("catalog");

    Output again = serve(home, standaloneFlags("clustered"), env());
    String why = oneLine(again);
    assertThat(why)
        .contains("s3://" + S3Proxy.BUCKET + "/clustered")
        .contains("is a cluster's")
        .contains("PostgreSQL (--catalog)")
        .contains(BucketNames.CATALOG_ELSEWHERE)
        .contains("Nothing was changed")
        .contains("another prefix")
        .contains("--catalog postgresql://")
        .contains("opend1 cluster import-catalog");
    assertThat(tree(prefixDir("clustered"))).isEqualTo(bucketBefore);
    assertThat(tree(home)).isEqualTo(homeBefore);

    // A fresh data directory is refused the same way, and never made.
    Path fresh = dir.resolve("fresh");
    assertThat(oneLine(serve(fresh, standaloneFlags("clustered"), env()))).isEqualTo(why);
    assertThat(fresh).doesNotExist();
    assertThat(tree(prefixDir("clustered"))).isEqualTo(bucketBefore);
  }

  @Test
  void aPostgresCatalogServerIsRefusedOnAStandalonePrefixUntilItsCatalogWasImported()
      throws Exception {
    Path home = dir.resolve("standalone");
    String db = standaloneWroteADatabase(home, "moving");
    String catalog = PG.server().catalogUrl(PG.fresh());
    List<String> flags = new ArrayList<>(List.of("--catalog", catalog));
    flags.addAll(standaloneFlags("moving"));
    Map<String, String> bucketBefore = tree(prefixDir("moving"));
    Map<String, String> homeBefore = tree(home);

    // Another data directory, the catalog imported from nowhere: the prefix is the server's.
    Output refused = serve(dir.resolve("node"), flags, env());
    assertThat(oneLine(refused))
        .contains("s3://" + S3Proxy.BUCKET + "/moving")
        .contains("is a standalone server's")
        .contains("no catalog was ever imported")
        .contains("Nothing was changed in the bucket")
        .contains("another prefix")
        .contains("opend1 cluster import-catalog");
    assertThat(tree(prefixDir("moving"))).isEqualTo(bucketBefore);
    assertThat(tree(home)).isEqualTo(homeBefore);

    // The move: the standalone server's catalog imported, a server with --catalog starts on its
    // data directory and serves its database, and the prefix is the cluster's from then on.
    Path password = Files.writeString(dir.resolve("pgpassword"), Postgres.PASSWORD + "\n");
    Output imported =
        Commands.run(
            "cluster",
            "import-catalog",
            "--data-dir",
            home.toString(),
            "--catalog",
            catalog,
            "--catalog-password-file",
            password.toString());
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    try (ServerProcess node = ServerProcess.start(home, List.of(), flags, env())) {
      D1Client.Reply rows = query(client(node), db, "SELECT count(*) AS n FROM t");
      assertThat(rows.status()).as(rows.body()).isEqualTo(200);
      assertThat(rows.result().get(0).path("results").get(0).path("n").asInt()).isEqualTo(3);
      node.signalTerm();
      assertThat(node.awaitExit(Duration.ofMinutes(1))).isZero();
    }
    assertThat(prefixDir("moving").resolve(BucketNames.CATALOG_ELSEWHERE)).isRegularFile();
    assertThat(oneLine(serve(home, standaloneFlags("moving"), env()))).contains("is a cluster's");
  }

  /**
   * A bucket that cannot be read at the start is no reason not to start, as before the check: the
   * server serves and its log says the prefix went unchecked.
   */
  @Test
  void aBucketThatCannotBeReadDoesNotStopTheStart() throws Exception {
    int nobody;
    try (ServerSocket free = new ServerSocket(0)) {
      nobody = free.getLocalPort();
    }
    String url = "s3://" + S3Proxy.BUCKET + "/unreachable";
    List<String> flags =
        List.of("--object-store", url, "--object-store-endpoint", "http://127.0.0.1:" + nobody);
    try (ServerProcess server =
        ServerProcess.start(dir.resolve("unreachable"), List.of(), flags, env())) {
      D1Client.Reply listed = client(server).get("/client/v4/accounts/" + ACCOUNT + "/d1/database");
      assertThat(listed.status()).as(listed.body()).isEqualTo(200);
      assertThat(server.stderr())
          .contains("could not read " + url + " to check which kind of server ships there");
    }
  }

  /**
   * A standalone server on {@code home} shipping to {@code prefix}: one database with three rows,
   * then stopped; the database's id.
   */
  private static String standaloneWroteADatabase(Path home, String prefix) throws Exception {
    try (ServerProcess server =
        ServerProcess.start(home, List.of(), standaloneFlags(prefix), env())) {
      D1Client c = client(server);
      D1Client.Reply made =
          c.post("/client/v4/accounts/" + ACCOUNT + "/d1/database", "{\"name\":\"kept\"}");
      assertThat(made.status()).as(made.body()).isEqualTo(200);
      String db = made.result().path("uuid").asText();
      D1Client.Reply wrote = query(c, db, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)");
      assertThat(wrote.status()).as(wrote.body()).isEqualTo(200);
      server.signalTerm();
      assertThat(server.awaitExit(Duration.ofMinutes(1))).isZero();
      return db;
    }
  }

  private static List<String> standaloneFlags(String prefix) {
    return s3.flags(prefix, "sync");
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(s3.env());
    env.put("PGPASSWORD", Postgres.PASSWORD);
    env.put("OPEND1_ACCOUNT_ID", ACCOUNT);
    env.put("OPEND1_API_TOKEN", TOKEN);
    return env;
  }

  /** {@code opend1 serve} expected to be refused: it exits without serving. */
  private static Output serve(Path home, List<String> flags, Map<String, String> env)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data-dir"));
    args.add(home.toString());
    args.addAll(flags);
    return ServerProcess.run(env, args.toArray(String[]::new));
  }

  /**
   * A refused start: status 2, and one line on standard error that says why (after the log's lines
   * of what the start opened and closed, the PostgreSQL pool's), no stack trace; that line.
   */
  private static String oneLine(Output out) {
    assertThat(out.exitCode()).as(out.stdout() + out.stderr()).isEqualTo(2);
    List<String> said = out.stderr().lines().filter(l -> l.startsWith("opend1: ")).toList();
    assertThat(said).as(out.stderr()).hasSize(1);
    assertThat(out.stderr().strip()).endsWith(said.get(0)).doesNotContain("\tat ");
    return said.get(0);
  }

  private static S3ObjectStore store(String prefix) {
    return Backups.store(
        "s3://" + S3Proxy.BUCKET + "/" + prefix, Optional.of(s3.endpoint()), "us-east-1");
  }

  private static Path prefixDir(String prefix) {
    return s3.bucketDir().resolve(prefix);
  }

  /** Every file and directory under {@code root}: its content's hash and modification time. */
  private static Map<String, String> tree(Path root) throws Exception {
    Map<String, String> found = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String content =
            Files.isRegularFile(p) ? Integer.toString(Arrays.hashCode(Files.readAllBytes(p))) : "";
        found.put(
            root.relativize(p).toString(), content + "@" + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return found;
  }

  private static D1Client client(ServerProcess p) {
    return new D1Client(p.baseUrl(), Map.of("Authorization", "Bearer " + TOKEN));
  }

  private static D1Client.Reply query(D1Client c, String db, String sql) {
    return c.post(
        "/client/v4/accounts/" + ACCOUNT + "/d1/database/" + db + "/query",
        D1Client.JSON.createObjectNode().put("sql", sql).toString());
  }
}
