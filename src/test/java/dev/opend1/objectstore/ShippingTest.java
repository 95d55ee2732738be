package dev.opend1.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in this JVM shipping its history to a real S3 API server (s3proxy): what each mode
 * ships, and what happens while the store is down (writes, creates and deletes refused cleanly in
 * {@code sync} mode, deletes in either mode, since a deletion's mark must be in the bucket first).
 */
class ShippingTest {

  static final String DBS = "/client/v4/accounts/" + TestServer.ACCOUNT.value() + "/d1/database";

  @TempDir static Path s3dir;
  static S3Proxy s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  static String create(D1Client c, String name) {
    D1Client.Reply r = c.post(DBS, "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().path("uuid").asText();
  }

  static D1Client.Reply query(D1Client c, String db, String sql) {
    return c.post(DBS + "/" + db + "/query", "{\"sql\":\"" + sql + "\"}");
  }

  static List<String> objects(Path under) throws Exception {
    if (!Files.isDirectory(under)) {
      return List.of();
    }
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> s = Files.walk(under)) {
        return s.filter(Files::isRegularFile)
            .map(p -> under.relativize(p).toString())
            .sorted()
            .toList();
      } catch (java.io.UncheckedIOException vanished) {
        // s3proxy renamed a file it was writing while the walk passed: look again.
        if (attempt == 10) {
          throw vanished;
        }
      }
    }
  }

  @Test
  void syncModeShipsEveryAcknowledgedWriteBeforeAnsweringIt(@TempDir Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("sync1", "sync"));
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      String db = create(c, "shipped");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      for (int i = 0; i < 5; i++) {
        D1Client.Reply r = query(c, db, "INSERT INTO t VALUES (" + i + ")");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      Path prefix = s3.bucketDir().resolve("sync1");
      List<String> names = objects(prefix);
      assertThat(names).anyMatch(n -> n.startsWith("catalog/"));
      // Every name carries this server's writer generation, which claimed the database first.
      assertThat(names)
          .anyMatch(n -> n.matches("db/" + db + "/gen/\\p{XDigit}{16}"))
          .anyMatch(n -> n.matches("db/" + db + "/meta/\\p{XDigit}{16}\\.g\\p{XDigit}{16}\\.json"))
          .anyMatch(n -> n.matches("db/" + db + "/snap/0{16}\\.g\\p{XDigit}{16}\\.db"));
      long logs = names.stream().filter(n -> n.startsWith("db/" + db + "/log/")).count();
      assertThat(logs).isGreaterThanOrEqualTo(2);
    }
  }

  static int count(D1Client c, String db, String table) {
    D1Client.Reply r = query(c, db, "SELECT count(*) AS n FROM " + table);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/result/0/results/0/n").asInt();
  }

  @Test
  void syncModeRefusesWritesCleanlyWhileTheStoreIsDownThenResumes(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(dir, s3.settings("down", "sync"))) {
      D1Client c = server.client();
      String db = create(c, "down");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      assertThat(query(c, db, "INSERT INTO t VALUES (1)").status()).isEqualTo(200);
      s3.stop();
      try {
        D1Client.Reply refused = query(c, db, "INSERT INTO t VALUES (2)");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo(7500);
        assertThat(refused.errorMessage()).contains("object storage", "not applied");
        // Nothing of it was applied, and reads go on.
        assertThat(count(c, db, "t")).isEqualTo(1);
      } finally {
        s3.startProcess();
      }
      D1Client.Reply again = query(c, db, "INSERT INTO t VALUES (3)");
      assertThat(again.status()).as(again.body()).isEqualTo(200);
      assertThat(count(c, db, "t")).isEqualTo(2);
    }
  }

  static double metric(TestServer server, String name) throws Exception {
    String text =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.metricsUrl()))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in:\n" + text);
  }

  @Test
  void asyncModeReportsItsLagCatchesUpAndBoundsIt(@TempDir Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("async", "async"));
    settings.put("object-store-lag-ms", "200");
    settings.put("object-store-max-lag-ms", "4000");
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      String db = create(c, "lagging");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      awaitLag(server, 0, 10_000);
      s3.stop();
      try {
        for (int i = 0; i < 5; i++) {
          assertThat(query(c, db, "INSERT INTO t VALUES (" + i + ")").status()).isEqualTo(200);
        }
        Thread.sleep(1500);
        assertThat(metric(server, "opend1_object_store_lag_seconds")).isGreaterThanOrEqualTo(1.4);
        assertThat(metric(server, "opend1_object_store_lag_bytes")).isGreaterThan(0);
        Thread.sleep(3000);
        D1Client.Reply refused = query(c, db, "INSERT INTO t VALUES (99)");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.errorMessage()).contains("behind");
      } finally {
        s3.startProcess();
      }
      awaitLag(server, 0, 20_000);
      assertThat(metric(server, "opend1_object_store_lag_bytes")).isZero();
      assertThat(query(c, db, "INSERT INTO t VALUES (6)").status()).isEqualTo(200);
      assertThat(count(c, db, "t")).isEqualTo(6);
    }
  }

  static void awaitLag(TestServer server, double seconds, long withinMillis) throws Exception {
    long deadline = System.currentTimeMillis() + withinMillis;
    while (metric(server, "opend1_object_store_lag_seconds") > seconds) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "lag still " + metric(server, "opend1_object_store_lag_seconds") + " s");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aSecondServerOnTheSamePrefixIsFencedOff(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    String db;
    try (TestServer a = TestServer.start(one, s3.settings("fence", "sync"))) {
      db = create(a.client(), "shared");
      assertThat(query(a.client(), db, "CREATE TABLE t (x)").status()).isEqualTo(200);
    }
    // An operator copies the data directory and starts a second server on the same prefix.
    copyTree(one, two);
    java.nio.file.Files.deleteIfExists(two.resolve("serve.lock"));
    Path claims = s3.bucketDir().resolve("fence/db/" + db + "/gen");
    String first = WriterGenerationsTest.newestClaim(claims);
    String bClaim;
    try (TestServer a = TestServer.start(one, s3.settings("fence", "sync"))) {
      // a's shipper claimed it again and read its end
      String aClaim = WriterGenerationsTest.awaitNewClaim(claims, first);
      try (TestServer b = TestServer.start(two, s3.settings("fence", "sync"))) {
        // b started last: its writer generation is the higher one, and takes the database over.
        bClaim = WriterGenerationsTest.awaitNewClaim(claims, aClaim);
        assertThat(query(b.client(), db, "INSERT INTO t VALUES ('b')").status()).isEqualTo(200);
        // a looked at the claims before b's was stored; past the period one look vouches for
        // (1 s, docs/backups.md), a's next upload looks again and finds b's.
        Thread.sleep(CLAIMS_EVERY_MILLIS + 100);
        D1Client.Reply fenced = query(a.client(), db, "INSERT INTO t VALUES ('a')");
        assertThat(fenced.status()).as(fenced.body()).isEqualTo(503);
        assertThat(query(a.client(), db, "INSERT INTO t VALUES ('a2')").status()).isEqualTo(503);
        assertThat(query(b.client(), db, "INSERT INTO t VALUES ('b2')").status()).isEqualTo(200);
      }
    }
    // Only b's claim is left: each server deleted the ones below its own once it stored it.
    assertThat(objects(claims))
        .filteredOn(n -> n.matches("\\p{XDigit}{16}"))
        .containsExactly(bClaim);
    // The bucket holds one history, b's, whole; doctor names what a stored before it stopped.
    ServerProcess.Output doctor = WriterGenerationsTest.doctor(s3, "fence");
    assertThat(doctor.stdout())
        .contains("is another writer's")
        .doesNotContain("hash chain breaks", "are missing");
  }

  @Test
  void aStartWhileTheStoreIsDownCatchesUpOnceItIsBackWithoutAWrite(@TempDir Path dir)
      throws Exception {
    String db;
    try (TestServer a = TestServer.start(dir, s3.settings("catch-up", "sync"))) {
      db = create(a.client(), "caught");
      assertThat(query(a.client(), db, "CREATE TABLE t (x)").status()).isEqualTo(200);
    }
    Path claims = s3.bucketDir().resolve("catch-up/db/" + db + "/gen");
    String first = WriterGenerationsTest.newestClaim(claims);
    s3.stop();
    try (TestServer a = TestServer.start(dir, s3.settings("catch-up", "sync"))) {
      try {
        // The start's catch-up (claim, then ship what is unshipped) finds the store down.
        long deadline = System.currentTimeMillis() + 30_000;
        while (metric(a, "opend1_object_store_failures_total") == 0) {
          assertThat(System.currentTimeMillis()).as("a failed catch-up").isLessThan(deadline);
          Thread.sleep(50);
        }
      } finally {
        s3.startProcess();
      }
      // No write comes: the shipper tries the catch-up again on its next passes.
      WriterGenerationsTest.awaitNewClaim(claims, first);
    }
  }

  /** How long one look at a database's claims vouches for its uploads ({@code Replica}). */
  static final long CLAIMS_EVERY_MILLIS = 1000;

  @Test
  void anAsyncServerTakenOverOnItsPrefixRefusesWritesOnceItSeesTheNewerClaim(@TempDir Path dir)
      throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("fence-async", "async"));
    settings.put("object-store-lag-ms", "200");
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    String db;
    try (TestServer a = TestServer.start(one, settings)) {
      db = create(a.client(), "shared");
      assertThat(query(a.client(), db, "CREATE TABLE t (x)").status()).isEqualTo(200);
    }
    copyTree(one, two);
    Files.deleteIfExists(two.resolve("serve.lock"));
    Path claims = s3.bucketDir().resolve("fence-async/db/" + db + "/gen");
    String first = WriterGenerationsTest.newestClaim(claims);
    try (TestServer a = TestServer.start(one, settings)) {
      String aClaim = WriterGenerationsTest.awaitNewClaim(claims, first);
      try (TestServer b = TestServer.start(two, settings)) {
        WriterGenerationsTest.awaitNewClaim(claims, aClaim);
        assertThat(query(b.client(), db, "INSERT INTO t VALUES ('b')").status()).isEqualTo(200);
        // b's write is uploaded, so b's shipper has read the bucket's end after its claim: an
        // upload of a's before that reading would make b fence itself (its history lacks it).
        awaitLag(b, 0, 20_000);
        // a answers from its local disk until its shipper's next upload looks at the claims
        // (within the lag and the claims' period); from then on it refuses every write.
        int answered = 0;
        D1Client.Reply refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
          D1Client.Reply r = query(a.client(), db, "INSERT INTO t VALUES ('a" + i + "')");
          if (r.status() == 200) {
            answered++;
            Thread.sleep(50);
          } else {
            refused = r;
          }
        }
        assertThat(refused).as("a kept answering writes").isNotNull();
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo(7500);
        assertThat(refused.errorMessage()).contains("object storage", "not applied");
        for (int i = 0; i < 3; i++) {
          assertThat(query(a.client(), db, "INSERT INTO t VALUES ('late')").status())
              .isEqualTo(503);
        }
        // Nothing refused was applied on a; reads go on there, and b goes on writing.
        assertThat(count(a.client(), db, "t")).isEqualTo(answered);
        assertThat(query(b.client(), db, "INSERT INTO t VALUES ('b2')").status()).isEqualTo(200);
        assertThat(metric(a, "opend1_object_store_lag_seconds")).isZero();
      }
    }
  }

  /** {@code opend1 doctor --object-store} over the prefix passes. */
  static void assertDoctorFindsNoProblem(S3Proxy s3, String prefix) throws Exception {
    ServerProcess.Output doctor =
        ServerProcess.run(
            s3.env(),
            "doctor",
            "--object-store",
            "s3://" + S3Proxy.BUCKET + "/" + prefix,
            "--object-store-endpoint",
            s3.endpoint());
    assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isZero();
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void doctorFindsADamagedObject(@TempDir Path dir) throws Exception {
    String db;
    try (TestServer server = TestServer.start(dir, s3.settings("torn", "sync"))) {
      D1Client c = server.client();
      db = create(c, "torn");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(query(c, db, "INSERT INTO t VALUES (" + i + ")").status()).isEqualTo(200);
      }
    }
    String[] args = {
      "doctor",
      "--object-store",
      "s3://" + S3Proxy.BUCKET + "/torn",
      "--object-store-endpoint",
      s3.endpoint()
    };
    assertThat(ServerProcess.run(s3.env(), args).exitCode()).isZero();
    List<String> logs =
        objects(s3.bucketDir().resolve("torn")).stream()
            .filter(n -> n.startsWith("db/" + db + "/log/"))
            .toList();
    Path victim = s3.bucketDir().resolve("torn").resolve(logs.get(2));
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(victim, bytes);
    ServerProcess.Output found = ServerProcess.run(s3.env(), args);
    assertThat(found.exitCode()).as(found.stderr()).isEqualTo(1);
    assertThat(found.stdout())
        .contains(
            "problem: database " + db, logs.get(2).substring(logs.get(2).lastIndexOf('/') + 1));
    Files.delete(victim);
    ServerProcess.Output missing = ServerProcess.run(s3.env(), args);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stdout()).contains("missing");
  }

  static List<String> names(D1Client c) {
    D1Client.Reply r = c.get(DBS);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("result").findValuesAsText("name");
  }

  static List<String> databaseDirs(TestServer server) throws Exception {
    Path dbs = server.dataDir().resolve("db");
    try (Stream<Path> s = Files.list(dbs)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void syncModeRefusesACreateWhileTheStoreIsDownAndLeavesNothing(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(dir, s3.settings("create-down", "sync"))) {
      D1Client c = server.client();
      String kept = create(c, "kept");
      List<String> dirsBefore = databaseDirs(server);
      s3.stop();
      try {
        D1Client.Reply refused = c.post(DBS, "{\"name\":\"refused\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo(7500);
        assertThat(refused.errorMessage()).contains("object storage", "not created");
        assertThat(names(c)).containsExactly("kept");
        assertThat(databaseDirs(server)).isEqualTo(dirsBefore);
        assertThat(server.catalog().databases().findByName(TestServer.ACCOUNT, "refused"))
            .isEmpty();
      } finally {
        s3.startProcess();
      }
      String again = create(c, "refused");
      assertThat(query(c, again, "CREATE TABLE t (x)").status()).isEqualTo(200);
      assertThat(names(c)).containsExactlyInAnyOrder("kept", "refused");
      assertThat(query(c, kept, "CREATE TABLE t (x)").status()).isEqualTo(200);
    }
  }

  @Test
  void aDeleteWaitsForItsMarkInTheBucketInEitherMode(@TempDir Path dir) throws Exception {
    for (String mode : List.of("sync", "async")) {
      String prefix = "delete-down-" + mode;
      try (TestServer server = TestServer.start(dir.resolve(mode), s3.settings(prefix, mode))) {
        D1Client c = server.client();
        String db = create(c, "doomed");
        assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
        assertThat(query(c, db, "INSERT INTO t VALUES (1)").status()).isEqualTo(200);
        if (mode.equals("async")) {
          awaitLag(server, 0, 20_000);
        }
        s3.stop();
        try {
          D1Client.Reply refused = c.delete(DBS + "/" + db);
          assertThat(refused.status()).as(mode + ": " + refused.body()).isEqualTo(503);
          assertThat(refused.errorMessage()).contains("deletion", "object storage");
          // Nothing of it was deleted: it is listed, it answers, and its files are there.
          assertThat(names(c)).containsExactly("doomed");
          assertThat(count(c, db, "t")).isEqualTo(1);
          assertThat(databaseDirs(server)).contains(db);
        } finally {
          s3.startProcess();
        }
        D1Client.Reply deleted = c.delete(DBS + "/" + db);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(names(c)).isEmpty();
        assertThat(objects(s3.bucketDir().resolve(prefix)))
            .anyMatch(n -> n.startsWith("db/" + db + "/deleted-"))
            .anyMatch(n -> n.startsWith("deleted/") && n.endsWith("-" + db));
      }
    }
  }

  @Test
  void smallLogObjectsAreMergedAndTheBucketStillRecoversTheSameData(@TempDir Path dir)
      throws Exception {
    Path prefix = s3.bucketDir().resolve("compact");
    String db;
    try (TestServer server =
        TestServer.start(dir.resolve("live"), s3.settings("compact", "sync"))) {
      D1Client c = server.client();
      db = create(c, "compacted");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      for (int i = 0; i < 80; i++) {
        D1Client.Reply r = query(c, db, "INSERT INTO t VALUES (" + i + ")");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      // One object per sync round (82 with the create's and the table's) become far fewer.
      long deadline = System.currentTimeMillis() + 30_000;
      while (objects(prefix).stream().filter(n -> n.contains("/log/")).count() >= 30) {
        assertThat(System.currentTimeMillis()).as("small objects not merged").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(objects(prefix))
          .anyMatch(
              n -> n.matches(".*/log/\\p{XDigit}{16}-\\p{XDigit}{16}\\.g\\p{XDigit}{16}\\.rec"));
    }
    assertDoctorFindsNoProblem(s3, "compact");
    Path data = dir.resolve("recovered");
    ServerProcess.Output recovered = DisasterRecoveryTest.recover(s3, "compact", data);
    assertThat(recovered.exitCode()).as(recovered.stdout() + recovered.stderr()).isZero();
    try (TestServer again = TestServer.start(data)) {
      assertThat(count(again.client(), db, "t")).isEqualTo(80);
    }
  }
}
