package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /query} and {@code /raw} as of a bookmark or a timestamp (an opend1 extension). */
class AsOfApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    db =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"asof\"}").result().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String bookmark() {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private void run(String statements) {
    Reply r = client.post(db + "/query", sql(statements));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Reply query(String params, String statements) {
    return client.post(db + "/query?" + params, sql(statements));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void readsThePastWhileTheLiveDatabaseGoesOn() throws Exception {
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1)");
    String one = bookmark();
    Thread.sleep(5);
    Instant afterOne = Instant.now();
    Thread.sleep(5);
    run("INSERT INTO t VALUES (2); DELETE FROM t WHERE a = 1");

    Reply past = query("bookmark=" + one, "SELECT * FROM t ORDER BY a");
    assertThat(past.status()).as(past.body()).isEqualTo(200);
    assertThat(past.result().at("/0/results").toString()).isEqualTo("[{\"a\":1}]");
    assertThat(past.result().at("/0/meta/bookmark").asText()).isEqualTo(one);
    assertThat(past.result().at("/0/meta/served_by_primary").asBoolean()).isTrue();
    Reply raw = client.post(db + "/raw?bookmark=" + one, sql("SELECT a FROM t"));
    assertThat(raw.result().at("/0/results/rows").toString()).isEqualTo("[[1]]");
    assertThat(raw.result().at("/0/meta/bookmark").asText()).isEqualTo(one);

    Reply byTime = query("timestamp=" + enc(afterOne.toString()), "SELECT * FROM t");
    assertThat(byTime.result().at("/0/meta/bookmark").asText())
        .as("a timestamp reads the last commit at or before it")
        .isEqualTo(one);
    assertThat(byTime.result().at("/0/results").toString()).isEqualTo("[{\"a\":1}]");

    Reply live = client.post(db + "/query", sql("SELECT * FROM t ORDER BY a"));
    assertThat(live.result().at("/0/results").toString()).isEqualTo("[{\"a\":2}]");
    assertThat(live.result().at("/0/meta").has("bookmark"))
        .as("a live read's meta is D1's")
        .isFalse();
    assertThat(bookmark()).as("reading the past is not a commit").isNotEqualTo(one);
  }

  @Test
  void writesAsOfABookmarkAreRefusedAndApplyNothing() {
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1)");
    String one = bookmark();
    for (String write :
        List.of(
            "INSERT INTO t VALUES (9)",
            "SELECT 1; DELETE FROM t",
            "CREATE TABLE u(x)",
            "WITH x AS (SELECT 5) INSERT INTO t SELECT * FROM x",
            "DROP TABLE t")) {
      Reply r = query("bookmark=" + one, write);
      assertThat(r.status()).as(write + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo(7500);
      assertThat(r.errorMessage())
          .contains("SQLITE_READONLY")
          .contains("reads the state at bookmark " + one);
    }
    assertThat(bookmark()).isEqualTo(one);
    assertThat(query("bookmark=" + one, "SELECT * FROM t").result().at("/0/results").toString())
        .isEqualTo("[{\"a\":1}]");
  }

  @Test
  void badBookmarksAndTimestampsGetTheErrorsARestoreGets() {
    run("CREATE TABLE t(a)");
    String other =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"other\"}").result().get("uuid").asText();
    String foreign = client.get(other + "/time_travel/bookmark").result().get("bookmark").asText();
    String old = enc(Instant.now().minus(31, ChronoUnit.DAYS).toString());
    String future = enc(Instant.now().plus(1, ChronoUnit.HOURS).toString());
    for (String params :
        List.of(
            "bookmark=nope",
            "bookmark=" + foreign,
            "bookmark=00000000-00000000-000fffff-" + "0".repeat(32),
            "timestamp=" + old,
            "timestamp=" + future,
            "timestamp=yesterday",
            "bookmark=" + bookmark() + "&timestamp=" + future)) {
      Reply asOf = query(params, "SELECT 1");
      Reply restore = client.send("POST", db + "/time_travel/restore?" + params, null);
      assertThat(asOf.status()).as(params + " -> " + asOf.body()).isEqualTo(restore.status());
      assertThat(asOf.status()).isEqualTo(400);
      assertThat(asOf.errorCode()).isEqualTo(restore.errorCode());
      assertThat(asOf.errorMessage()).isEqualTo(restore.errorMessage());
    }
  }

  @Test
  void pastStatesAreCachedLinkedToTheirSnapshotAndNeverWritten() throws Exception {
    run("CREATE TABLE t(a INTEGER PRIMARY KEY, b)");
    run(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
            + " INSERT INTO t(b) SELECT randomblob(500) FROM n");
    String one = bookmark();
    run("DELETE FROM t WHERE a % 2 = 0");
    Path history = server.dataDir().resolve("db").resolve(uuid()).resolve("history");
    Map<Path, String> before = snapshots(history);

    for (int i = 0; i < 3; i++) {
      Reply r = query("bookmark=" + one, "SELECT count(*) AS n FROM t");
      assertThat(r.result().at("/0/results/0/n").asInt()).isEqualTo(400);
    }
    assertThat(server.engine().pastStateFigures()[1]).as("one state, made once").isEqualTo(1);
    Path past = server.dataDir().resolve("past");
    List<Path> bases;
    try (Stream<Path> files = Files.walk(past)) {
      bases = files.filter(f -> f.getFileName().toString().equals("db.sqlite")).toList();
    }
    assertThat(bases).hasSize(1);
    Path base = bases.get(0);
    List<Path> linked = new java.util.ArrayList<>();
    for (Path snap : before.keySet()) {
      if (Files.isSameFile(base, snap)) {
        linked.add(snap);
      }
    }
    assertThat(linked).as("the base is a snapshot itself, linked, not a copy").hasSize(1);
    assertThat(Files.size(base.resolveSibling("db.sqlite-wal")))
        .as("the pages changed since the snapshot are written beside it")
        .isPositive();
    assertThat(sha(linked.get(0)))
        .as("the snapshot is never written")
        .isEqualTo(before.get(linked.get(0)));

    assertThat(client.delete(db).status()).isEqualTo(200);
    try (Stream<Path> files = Files.list(past)) {
      assertThat(files.toList()).as("a deleted database's past states go with it").isEmpty();
    }
    assertThat(server.engine().pastStateFigures()[1]).isZero();
  }

  @Test
  void anExportAtABookmarkDumpsThatStateExactly() throws Exception {
    run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    run("INSERT INTO t(b) VALUES ('one'), ('two')");
    String one = bookmark();
    String liveThen = TransferApiTest.exportText(client, db);
    run("UPDATE t SET b = 'changed'; CREATE TABLE u(x); INSERT INTO u VALUES (1)");

    String body = "{\"output_format\":\"polling\",\"at_bookmark\":\"" + one + "\"}";
    Reply r = client.post(db + "/export", body);
    while (r.result().get("status").asText().equals("active")) {
      r =
          client.post(
              db + "/export",
              "{\"output_format\":\"polling\",\"current_bookmark\":\"" + one + "\"}");
    }
    assertThat(r.result().get("status").asText()).as(r.body()).isEqualTo("complete");
    assertThat(r.result().get("at_bookmark").asText()).isEqualTo(one);
    java.net.http.HttpResponse<String> file =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(r.result().at("/result/signed_url").asText()))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(file.body()).isEqualTo(liveThen).contains("'two'").doesNotContain("changed");

    Reply bad =
        client.post(db + "/export", "{\"output_format\":\"polling\",\"at_bookmark\":\"x\"}");
    Reply restore = client.send("POST", db + "/time_travel/restore?bookmark=x", null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorMessage()).isEqualTo(restore.errorMessage());
  }

  @Test
  void theCacheKeepsWithinItsBoundLeastRecentlyUsedFirst() throws Exception {
    server.close();
    server = TestServer.start(dir, Map.of("past-state-cache-bytes", "1"));
    client = server.client();
    Path past = server.dataDir().resolve("past");
    try (Stream<Path> files = Files.list(past)) {
      assertThat(files.toList()).as("emptied at start").isEmpty();
    }
    run("CREATE TABLE t(a)");
    String one = bookmark();
    run("INSERT INTO t VALUES (1)");
    String two = bookmark();
    assertThat(
            query("bookmark=" + one, "SELECT count(*) AS n FROM t")
                .result()
                .at("/0/results/0/n")
                .asInt())
        .isZero();
    assertThat(server.engine().pastStateFigures()[1]).as("over the bound once unused").isZero();
    try (Stream<Path> files = Files.list(past)) {
      assertThat(files.toList()).as("an evicted state's files are deleted").isEmpty();
    }

    server.close();
    server = TestServer.start(dir, Map.of("past-state-cache-bytes", "1000000000"));
    client = server.client();
    for (String b : List.of(one, two, one, two)) {
      Reply r = query("bookmark=" + b, "SELECT count(*) AS n FROM t");
      assertThat(r.result().at("/0/results/0/n").asInt()).isEqualTo(b.equals(one) ? 0 : 1);
    }
    assertThat(server.engine().pastStateFigures()[1])
        .as("both states link the first snapshot: an unused one gives its link up to the next")
        .isEqualTo(1);
    assertThat(server.engine().pastStateFigures()[0]).isPositive();
  }

  @Test
  void statesOverOneSnapshotReadConcurrentlyEachItsOwnLog() throws Exception {
    String empty = bookmark();
    run("CREATE TABLE t(a)");
    run("INSERT INTO t VALUES (1), (2), (3)");
    String three = bookmark();
    // A long read of one state while another state over the same snapshot is made and read: the
    // second must not share the first's link (SQLite would share one WAL index between them).
    var slow =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                query(
                    "bookmark=" + empty,
                    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i <"
                        + " 3000000) SELECT count(*) AS n, (SELECT count(*) FROM t) AS rows FROM c"));
    Thread.sleep(200);
    for (int i = 0; i < 5; i++) {
      Reply r = query("bookmark=" + three, "SELECT count(*) AS n FROM t");
      assertThat(r.result().at("/0/results/0/n").asInt()).as(r.body()).isEqualTo(3);
    }
    Reply s = slow.get();
    assertThat(s.result().at("/0/results/0/rows").asInt()).as(s.body()).isZero();
    assertThat(
            query("bookmark=" + empty, "SELECT count(*) AS n FROM t")
                .result()
                .at("/0/results/0/n")
                .asInt())
        .isZero();
  }

  private String uuid() {
    return db.substring(db.lastIndexOf('/') + 1);
  }

  /** Every snapshot of a history, with a hash of its bytes. */
  private static Map<Path, String> snapshots(Path history) throws Exception {
    Map<Path, String> snaps = new java.util.HashMap<>();
    try (Stream<Path> files = Files.list(history)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.startsWith("snap-") && n.endsWith(".db")) {
          snaps.put(f, sha(f));
        }
      }
    }
    return snaps;
  }

  private static String sha(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
