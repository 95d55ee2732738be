package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.Follower;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read replicas in serving, on two members of a cluster in this JVM on a real PostgreSQL and a real
 * bucket (s3proxy), one prefix for both: node A (region WEUR) owns every database here (each is
 * made on A directly, which takes its lease); node B (region ENAM) answers a session's reads of an
 * {@code auto} database from its follower of the log in the bucket, and forwards everything else to
 * A. An answer with {@code served_by_primary: false} and region ENAM came from B's copy; with
 * {@code true} and WEUR, from A.
 */
class ReplicaServingTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir static Path dir;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How long the first session read may take to be answered by a follower just started. */
  private static final Duration WARM_UP = Duration.ofSeconds(60);

  private static S3Proxy s3;
  private static String catalogUrl;
  private static InJvmNode a;
  private static InJvmNode b;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    s3 = S3Proxy.start(dir.resolve("s3"));
    catalogUrl = PG.server().catalogUrl(PG.fresh());
    String catalog = catalogUrl;
    String bucket = "s3://" + S3Proxy.BUCKET + "/replicas";
    a =
        InJvmNode.member(
            dir.resolve("a"), catalog, s3, Map.of("region", "WEUR", "object-store", bucket));
    b =
        InJvmNode.member(
            dir.resolve("b"), catalog, s3, Map.of("region", "ENAM", "object-store", bucket));
  }

  @AfterAll
  static void stop() {
    b.close();
    a.close();
    s3.close();
  }

  /** What came back: status, the {@code x-d1-bookmark} header, the body. */
  record Answer(int status, String bookmark, JsonNode json) {
    boolean byReplica() {
      return !json.at("/result/0/meta/served_by_primary").asBoolean(true);
    }

    String region() {
      return json.at("/result/0/meta/served_by_region").asText();
    }

    JsonNode rows() {
      return json.at("/result/0/results");
    }
  }

  @Test
  void aSessionReadOnANonOwnerIsAnsweredByItsReplicaAndOtherReadsByTheOwner() throws Exception {
    String db = createOnA("sessions", "auto");
    Answer w =
        send(
            a, db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('x')");
    assertThat(w.status()).as(w.json().toString()).isEqualTo(200);

    Answer read = firstReplicaRead(db, "SELECT v FROM t", w.bookmark());
    assertThat(read.region()).isEqualTo("ENAM");
    assertThat(read.rows().toString()).isEqualTo("[{\"v\":\"x\"}]");
    assertThat(Bookmark.parse(read.bookmark()).orElseThrow().seq())
        .isGreaterThanOrEqualTo(Bookmark.parse(w.bookmark()).orElseThrow().seq());
    // By name as well as by id, and outside a session by name the owner answers.
    Answer byName = send(b, "sessions", "/query", "SELECT v FROM t", w.bookmark());
    assertThat(byName.byReplica()).as(byName.json().toString()).isTrue();
    Answer byNameOnOwner = send(b, "sessions", "/query", "SELECT v FROM t", null);
    assertThat(byNameOnOwner.status()).as(byNameOnOwner.json().toString()).isEqualTo(200);
    assertThat(byNameOnOwner.byReplica()).isFalse();
    // /raw too, and a session's first read with no bookmark yet, from any copy.
    Answer raw = send(b, db, "/raw", "SELECT v FROM t", w.bookmark());
    assertThat(raw.byReplica()).as(raw.json().toString()).isTrue();
    assertThat(raw.json().at("/result/0/results/rows").toString()).isEqualTo("[[\"x\"]]");
    Answer unconstrained = send(b, db, "/query", "SELECT v FROM t", "first-unconstrained");
    assertThat(unconstrained.byReplica()).isTrue();
    assertThat(unconstrained.region()).isEqualTo("ENAM");

    // Outside a session, or a session that asks for the primary: the owner answers, as D1's REST
    // API always reads the primary.
    for (String header : new String[] {null, "first-primary"}) {
      Answer primary = send(b, db, "/query", "SELECT v FROM t", header);
      assertThat(primary.status()).isEqualTo(200);
      assertThat(primary.byReplica()).as(header).isFalse();
      assertThat(primary.region()).isEqualTo("WEUR");
    }
    // A read as of a bookmark (an opend1 extension) is the owner's too.
    Answer asOf = send(b, db, "/query?bookmark=" + w.bookmark(), "SELECT v FROM t", w.bookmark());
    assertThat(asOf.status()).as(asOf.json().toString()).isEqualTo(200);
    assertThat(asOf.byReplica()).isFalse();

    // A bookmark the copy cannot reach (nothing was written there) goes to the owner, which
    // answers it as it answers it directly: never older data than the bookmark.
    Bookmark seen = Bookmark.parse(w.bookmark()).orElseThrow();
    String ahead = new Bookmark(seen.seq() + 1000, seen.hash()).toString();
    Answer behind = send(b, db, "/query", "SELECT v FROM t", ahead);
    Answer direct = send(a, db, "/query", "SELECT v FROM t", ahead);
    assertThat(behind.status()).isEqualTo(direct.status()).isNotEqualTo(200);
    assertThat(behind.json().at("/errors")).isEqualTo(direct.json().at("/errors"));

    assertThat(b.metrics())
        .containsPattern("(?m)^opend1_replicas_followed [1-9]")
        .containsPattern("(?m)^opend1_replica_lag_seconds \\d")
        .containsPattern("(?m)^opend1_replica_lag_records \\d");
    assertThat(a.metrics()).containsPattern("(?m)^opend1_replicas_followed 0.0");
  }

  @Test
  void theOwnerTellsTheNodesThatFollowADatabaseOfItsWrites() throws Exception {
    String db = createOnA("news", "auto");
    Answer made = send(a, db, "CREATE TABLE t(v)");
    assertThat(made.status()).as(made.json().toString()).isEqualTo(200);
    // B's first session read starts its copy and registers it with A, the owner.
    firstReplicaRead(db, "SELECT count(*) AS n FROM t", made.bookmark());
    Follower copy =
        b.parts()
            .followers()
            .orElseThrow()
            .ifFollowed(DatabaseId.parse(db).orElseThrow())
            .orElseThrow();
    long before = copy.newsHeard();
    // Writes on A, with no request to B: B's copy hears of them from A (the registration went
    // without waiting, so the first writes may come before it).
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    long written = -1;
    for (int i = 0; copy.newsHeard() == before; i++) {
      assertThat(System.nanoTime()).as("B heard from A within " + WARM_UP).isLessThan(deadline);
      Answer w = send(a, db, "INSERT INTO t VALUES (" + i + ")");
      assertThat(w.status()).isEqualTo(200);
      written = Bookmark.parse(w.bookmark()).orElseThrow().seq();
      Thread.sleep(100);
    }
    // And takes the write from the bucket: its copy reaches it.
    while (copy.reached().orElseThrow().seq() < written) {
      assertThat(System.nanoTime()).as("B's copy reached seq " + written).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void clusterStatusShowsTheDatabasesEachNodeFollowsAndTheirLag() throws Exception {
    String db = createOnA("status", "auto");
    Answer made = send(a, db, "CREATE TABLE t(v)");
    firstReplicaRead(db, "SELECT count(*) AS n FROM t", made.bookmark());
    Path password = dir.resolve("pg-password");
    java.nio.file.Files.writeString(password, Postgres.PASSWORD + "\n");
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    while (true) {
      ServerProcess.Output status =
          Commands.run(
              "cluster",
              "status",
              "--catalog",
              catalogUrl,
              "--catalog-password-file",
              password + "");
      assertThat(status.exitCode()).as(status.stderr()).isZero();
      assertThat(status.stdout()).contains("REPLICAS", "LAG (S)", "LAG (RECS)");
      // B follows at least this database and reports its copies' lag with its heartbeat; A, the
      // owner of every database here, follows none.
      java.util.regex.Matcher onB =
          java.util.regex.Pattern.compile(
                  "(?m)^" + b.id() + " +live +yes +\\S+ +\\d+ +(\\d+) +(\\d+\\.\\d) +(\\d+)  http")
              .matcher(status.stdout());
      assertThat(onB.find()).as(status.stdout()).isTrue();
      assertThat(status.stdout())
          .containsPattern("(?m)^" + a.id() + " +live +yes +\\S+ +\\d+ +0 +0\\.0 +0  http");
      if (Integer.parseInt(onB.group(1)) >= 1) {
        assertThat(Double.parseDouble(onB.group(2))).isGreaterThanOrEqualTo(0);
        break;
      }
      assertThat(System.nanoTime())
          .as("B reported its copies: " + status.stdout())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void clusterReplicasListsEachFollowedDatabaseWithItsOwnerAndEachFollowersLag() throws Exception {
    String db = createOnA("per-database", "auto");
    Answer made = send(a, db, "CREATE TABLE t(v); INSERT INTO t VALUES (1)");
    firstReplicaRead(db, "SELECT count(*) AS n FROM t", made.bookmark());
    Path password = dir.resolve("pg-password-replicas");
    java.nio.file.Files.writeString(password, Postgres.PASSWORD + "\n");
    // B's copy of the database, owned by A, as B reported it with a heartbeat since the read.
    java.util.regex.Pattern row =
        java.util.regex.Pattern.compile(
            "(?m)^" + db + " +per-database +" + a.id() + " +" + b.id() + " +(\\d+\\.\\d) +(\\d+)$");
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    while (true) {
      ServerProcess.Output all =
          Commands.run(
              "cluster",
              "replicas",
              "--catalog",
              catalogUrl,
              "--catalog-password-file",
              password + "");
      assertThat(all.exitCode()).as(all.stderr()).isZero();
      assertThat(all.stdout()).startsWith("DATABASE").contains("FOLLOWED BY", "LAG (S)");
      java.util.regex.Matcher m = row.matcher(all.stdout());
      if (m.find()) {
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0);
        assertThat(Long.parseLong(m.group(2))).isGreaterThanOrEqualTo(0);
        // A, the owner, follows none of its own databases.
        assertThat(all.stdout()).doesNotContainPattern("(?m)^\\S+ +\\S+ +\\S+ +" + a.id() + " ");
        break;
      }
      assertThat(System.nanoTime()).as("B reported its copy: " + all.stdout()).isLessThan(deadline);
      Thread.sleep(200);
    }
    // --database narrows it to one database's copies; a value that is no UUID is refused.
    ServerProcess.Output one =
        Commands.run(
            "cluster",
            "replicas",
            "--catalog",
            catalogUrl,
            "--catalog-password-file",
            password + "",
            "--database",
            db);
    assertThat(one.exitCode()).as(one.stderr()).isZero();
    assertThat(one.stdout()).containsPattern(row).endsWith("1 copy of 1 database(s)\n");
    ServerProcess.Output bad =
        Commands.run(
            "cluster",
            "replicas",
            "--catalog",
            catalogUrl,
            "--catalog-password-file",
            password + "",
            "--database",
            "nope");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr()).contains("nope is not a database's UUID");
  }

  @Test
  void whenTheOwnerCannotBeReachedTheCopyAnswersTheSessionReadsItCan() throws Exception {
    // A third member, C, owns a database and then goes silent: it answers nothing and stops
    // heartbeating, but its lease stays in force, so nobody may take the database over.
    InJvmNode c =
        InJvmNode.member(
            dir.resolve("c"),
            catalogUrl,
            s3,
            Map.of("region", "APAC", "object-store", "s3://" + S3Proxy.BUCKET + "/replicas"));
    try {
      String db = createOn(c, "owner-away", "auto");
      Answer w = send(c, db, "CREATE TABLE t(v); INSERT INTO t VALUES ('kept')");
      assertThat(w.status()).as(w.json().toString()).isEqualTo(200);
      firstReplicaRead(db, "SELECT v FROM t", w.bookmark());
      c.silence();

      // Refused connections first, then (past the liveness timeout) an owner not heard from: in
      // both, B's copy answers a session read at or after the bookmark sent.
      long deadline = System.nanoTime() + WARM_UP.toNanos();
      boolean unheard = false;
      while (!unheard) {
        Answer read = send(b, db, "/query", "SELECT v FROM t", w.bookmark());
        assertThat(read.status()).as(read.json().toString()).isEqualTo(200);
        assertThat(read.byReplica()).isTrue();
        assertThat(read.rows().toString()).isEqualTo("[{\"v\":\"kept\"}]");
        Answer outside = send(b, db, "/query", "SELECT v FROM t", null);
        assertThat(outside.status()).as(outside.json().toString()).isEqualTo(503);
        assertThat(outside.json().at("/errors/0/code").asInt()).isEqualTo(7500);
        unheard = outside.json().toString().contains("has not been heard from");
        assertThat(System.nanoTime()).as("C counted dead within " + WARM_UP).isLessThan(deadline);
        Thread.sleep(200);
      }
      Answer raw = send(b, db, "/raw", "SELECT v FROM t", "first-unconstrained");
      assertThat(raw.status()).as(raw.json().toString()).isEqualTo(200);
      assertThat(raw.byReplica()).isTrue();

      // What the copy cannot answer is still the owner's unavailability: a bookmark past the copy,
      // a session that asks for the primary, and a write.
      Bookmark seen = Bookmark.parse(w.bookmark()).orElseThrow();
      String ahead = new Bookmark(seen.seq() + 1000, seen.hash()).toString();
      for (String[] refused :
          new String[][] {
            {"SELECT v FROM t", ahead},
            {"SELECT v FROM t", "first-primary"},
            {"INSERT INTO t VALUES ('lost')", w.bookmark()}
          }) {
        Answer r = send(b, db, "/query", refused[0], refused[1]);
        assertThat(r.status()).as(String.join(" ", refused) + r.json()).isEqualTo(503);
        assertThat(r.json().at("/errors/0/code").asInt()).isEqualTo(7500);
      }
    } finally {
      c.close();
    }
  }

  @Test
  void writesThroughTheReplicaGoToTheOwnerAndTheirBookmarksReadThemBack() throws Exception {
    String db = createOnA("read-your-writes", "auto");
    Answer made = send(b, db, "/query", "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)", null);
    assertThat(made.status()).as(made.json().toString()).isEqualTo(200);
    firstReplicaRead(db, "SELECT count(*) AS n FROM t", made.bookmark());

    int byReplica = 0;
    String last = made.bookmark();
    for (int i = 1; i <= 5; i++) {
      Answer write = send(b, db, "/query", "INSERT INTO t(v) VALUES (" + i + ")", last);
      assertThat(write.status()).as(write.json().toString()).isEqualTo(200);
      assertThat(write.byReplica()).isFalse();
      assertThat(write.region()).isEqualTo("WEUR");
      // The write's bookmark, sent back to the node that forwarded it: the read sees the write,
      // from the copy once it reached it, else from the owner.
      Answer read = send(b, db, "/query", "SELECT count(*) AS n FROM t", write.bookmark());
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.rows().at("/0/n").asInt()).as("read %d", i).isEqualTo(i);
      byReplica += read.byReplica() ? 1 : 0;
      last = read.bookmark();
    }
    assertThat(byReplica).as("reads the copy answered").isPositive();

    // A batch with one write among reads goes to the owner whole: every result is the owner's,
    // and the write is applied once.
    Answer batch =
        sendBody(
            b,
            db,
            "/query",
            "{\"batch\":[{\"sql\":\"SELECT count(*) AS n FROM t\"},"
                + "{\"sql\":\"INSERT INTO t(v) VALUES (6)\"},"
                + "{\"sql\":\"SELECT count(*) AS n FROM t\"}]}",
            last);
    assertThat(batch.status()).as(batch.json().toString()).isEqualTo(200);
    for (JsonNode result : batch.json().path("result")) {
      assertThat(result.at("/meta/served_by_primary").asBoolean()).isTrue();
    }
    assertThat(batch.json().at("/result/2/results/0/n").asInt()).isEqualTo(6);
    Answer onOwner = send(a, db, "/query", "SELECT count(*) AS n FROM t", null);
    assertThat(onOwner.rows().at("/0/n").asInt()).isEqualTo(6);
  }

  @Test
  void aDatabaseWithoutReadReplicationIsAlwaysAnsweredByItsOwner() throws Exception {
    String plain = createOnA("primary-only", "disabled");
    String replicated = createOnA("replicated", "auto");
    Answer p = send(a, plain, "/query", "CREATE TABLE u(x); INSERT INTO u VALUES (1)", null);
    Answer r = send(a, replicated, "/query", "CREATE TABLE u(x); INSERT INTO u VALUES (1)", null);
    assertThat(p.status()).isEqualTo(200);
    assertThat(r.status()).isEqualTo(200);
    // The same session read: the auto database's from B's copy, the other's from A.
    firstReplicaRead(replicated, "SELECT x FROM u", r.bookmark());
    for (int i = 0; i < 3; i++) {
      Answer read = send(b, plain, "/query", "SELECT x FROM u", p.bookmark());
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.byReplica()).isFalse();
      assertThat(read.region()).isEqualTo("WEUR");
    }
    // Switched to auto, its session reads are the replica's from then on.
    D1Client.Reply patched =
        a.client()
            .patch(
                InJvmNode.databases() + "/" + plain, "{\"read_replication\":{\"mode\":\"auto\"}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    firstReplicaRead(plain, "SELECT x FROM u", p.bookmark());
  }

  @Test
  void aSessionReadTooLargeToDecideOnIsForwardedWithItsWholeBody() throws Exception {
    String db = createOnA("large-bodies", "auto");
    Answer made = send(a, db, "/query", "CREATE TABLE t(v)", null);
    firstReplicaRead(db, "SELECT count(*) AS n FROM t", made.bookmark());
    // Streamed without a length (chunked): a small one is read whole and answered by the copy...
    Answer small = chunked(b, db, "x".repeat(1000), made.bookmark());
    assertThat(small.status()).as(small.json().toString()).isEqualTo(200);
    assertThat(small.byReplica()).isTrue();
    assertThat(small.rows().at("/0/n").asInt()).isEqualTo(1000);
    // ...one past the 256 KB read to decide goes to the owner: what was read, then the rest.
    int size = 300 * 1024;
    Answer large = chunked(b, db, "y".repeat(size), made.bookmark());
    assertThat(large.status()).as(large.json().toString()).isEqualTo(200);
    assertThat(large.byReplica()).isFalse();
    assertThat(large.rows().at("/0/n").asInt()).isEqualTo(size);
    // With its length declared, it is forwarded without being read.
    Answer declared =
        sendBody(
            b,
            db,
            "/query",
            "{\"sql\":\"SELECT length(?) AS n\",\"params\":[\"" + "z".repeat(size) + "\"]}",
            made.bookmark());
    assertThat(declared.status()).isEqualTo(200);
    assertThat(declared.byReplica()).isFalse();
    assertThat(declared.rows().at("/0/n").asInt()).isEqualTo(size);
  }

  /** {@code SELECT length(?)} of {@code text}, its body streamed with no length (chunked). */
  private static Answer chunked(InJvmNode node, String db, String text, String lastSeen)
      throws Exception {
    byte[] body =
        ("{\"sql\":\"SELECT length(?) AS n\",\"params\":[\"" + text + "\"]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + node.port()
                        + InJvmNode.databases()
                        + "/"
                        + db
                        + "/query"))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("Content-Type", "application/json")
            .header("x-d1-bookmark", lastSeen)
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(body)))
            .build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(),
        r.headers().firstValue("x-d1-bookmark").orElse(null),
        D1Client.JSON.readTree(r.body()));
  }

  /**
   * A session read sent to B until B's copy answers it (a follower just started lays its copy down
   * from the bucket first; meanwhile B forwards, and those answers must be right too).
   */
  private static Answer firstReplicaRead(String db, String sql, String bookmark) throws Exception {
    long deadline = System.nanoTime() + WARM_UP.toNanos();
    while (true) {
      Answer read = send(b, db, "/query", sql, bookmark);
      assertThat(read.status()).as(read.json().toString()).isEqualTo(200);
      if (read.byReplica() || System.nanoTime() > deadline) {
        assertThat(read.byReplica()).as("answered by B's copy within " + WARM_UP).isTrue();
        return read;
      }
      Thread.sleep(200);
    }
  }

  /** Makes a database on A itself (as a forwarded create, which is made where it arrives). */
  private static String createOnA(String name, String mode) throws Exception {
    return createOn(a, name, mode);
  }

  /** Makes a database on {@code node} itself. */
  private static String createOn(InJvmNode node, String name, String mode) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port() + InJvmNode.databases()))
                .header("Authorization", "Bearer " + InJvmNode.TOKEN)
                .header("x-opend1-forwarded", "1")
                .header("x-opend1-cluster-secret", InJvmNode.SECRET)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\""
                            + name
                            + "\",\"read_replication\":{\"mode\":\""
                            + mode
                            + "\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return D1Client.JSON.readTree(r.body()).path("result").path("uuid").asText();
  }

  private static Answer send(InJvmNode node, String db, String sql) throws Exception {
    return send(node, db, "/query", sql, null);
  }

  private static Answer send(InJvmNode node, String db, String route, String sql, String lastSeen)
      throws Exception {
    return sendBody(
        node, db, route, D1Client.JSON.createObjectNode().put("sql", sql).toString(), lastSeen);
  }

  private static Answer sendBody(
      InJvmNode node, String db, String route, String body, String lastSeen) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + node.port() + InJvmNode.databases() + "/" + db + route))
            .header("Authorization", "Bearer " + InJvmNode.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (lastSeen != null) {
      req.header("x-d1-bookmark", lastSeen);
    }
    HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(),
        r.headers().firstValue("x-d1-bookmark").orElse(null),
        D1Client.JSON.readTree(r.body()));
  }
}
