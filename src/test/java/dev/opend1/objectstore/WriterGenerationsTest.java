package dev.opend1.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.LossyRelay;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer generations in object names, against s3proxy behind a relay that strips {@code
 * If-None-Match} from every request: a store that ignores conditional writes. Two servers racing on
 * one prefix leave one chain that {@code recover} follows, and {@code doctor} names the other
 * writer's objects; a bucket written with the names of before generations still recovers; a setting
 * changed after the create reaches the bucket.
 */
class WriterGenerationsTest {

  @TempDir static Path s3dir;
  static S3Proxy s3;
  static LossyRelay relay;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"), false);
    s3.useInThisJvm();
    relay = LossyRelay.start(s3.port());
    relay.stripConditionalWrites();
  }

  @AfterAll
  static void stopS3() throws Exception {
    relay.close();
    s3.close();
  }

  static Map<String, String> settings(String prefix) {
    Map<String, String> settings = new HashMap<>(s3.settings(prefix, "sync"));
    settings.put("object-store-endpoint", relay.endpoint());
    return settings;
  }

  @Test
  void twoServersRacingOnAStoreWithoutConditionalWritesLeaveOneChain(@TempDir Path dir)
      throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    String db;
    try (TestServer a = TestServer.start(one, settings("race"))) {
      db = ShippingTest.create(a.client(), "shared");
      assertThat(ShippingTest.query(a.client(), db, "CREATE TABLE t (x)").status()).isEqualTo(200);
    }
    // An operator copies the data directory and starts a second server on the same prefix.
    ShippingTest.copyTree(one, two);
    Files.deleteIfExists(two.resolve("serve.lock"));
    int strippedBefore = relay.stripped();
    List<String> answered = new ArrayList<>();
    Path claims = s3.bucketDir().resolve("race/db/" + db + "/gen");
    String first = newestClaim(claims);
    try (TestServer a = TestServer.start(one, settings("race"))) {
      // a restarted: its shipper has claimed the database and read its end
      String aClaim = awaitNewClaim(claims, first);
      try (TestServer b = TestServer.start(two, settings("race"))) {
        awaitNewClaim(claims, aClaim); // b started last: its generation is the higher one
        // a looked at the claims before b's was stored: past the period that look vouches for,
        // a's next upload looks again.
        Thread.sleep(ShippingTest.CLAIMS_EVERY_MILLIS + 100);
        // b writes first (its shipper has read the end by then: a write waits for that), then a,
        // whose upload lands beside b's and is found superseded after it.
        for (int i = 0; i < 3; i++) {
          D1Client.Reply r =
              ShippingTest.query(b.client(), db, "INSERT INTO t VALUES ('b" + i + "')");
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          answered.add("b" + i);
          D1Client.Reply late =
              ShippingTest.query(a.client(), db, "INSERT INTO t VALUES ('a" + i + "')");
          assertThat(late.status()).as(late.body()).isEqualTo(503);
        }
      }
    }
    assertThat(relay.stripped()).isGreaterThan(strippedBefore);
    // a's first refused write was stored before it found b's claim: a late object, not history.
    ServerProcess.Output doctor = doctor("race");
    assertThat(doctor.exitCode()).isNotZero();
    assertThat(doctor.stdout())
        .contains("is another writer's, superseded by a newer generation")
        .doesNotContain("hash chain breaks", "missing");
    // recover follows b's chain: every write b answered, none of a's.
    Path recovered = dir.resolve("recovered");
    ServerProcess.Output r = DisasterRecoveryTest.recover(s3, "race", recovered);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    try (TestServer server = TestServer.start(recovered)) {
      assertThat(rows(server.client(), db)).containsExactlyElementsOf(answered);
    }
  }

  @Test
  void aBucketWrittenWithTheNamesOfBeforeGenerationsStillRecovers(@TempDir Path dir)
      throws Exception {
    String db;
    try (TestServer a = TestServer.start(dir.resolve("a"), settings("legacy"))) {
      db = ShippingTest.create(a.client(), "old");
      for (String sql : List.of("CREATE TABLE t (x)", "INSERT INTO t VALUES ('x')")) {
        assertThat(ShippingTest.query(a.client(), db, sql).status()).isEqualTo(200);
      }
    }
    // Rename every object as the server wrote them before generations.
    Path prefix = s3.bucketDir().resolve("legacy");
    int renamed = 0;
    try (Stream<Path> s = Files.walk(prefix)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = prefix.relativize(p).toString();
        String old = rel.replaceAll("\\.g[0-9a-f]{16}(\\.rec|\\.db)$", "$1");
        if (rel.contains("/gen/")) {
          Files.delete(p);
        } else if (rel.matches("db/[^/]+/meta/.*")) {
          Files.move(p, prefix.resolve(rel.substring(0, rel.indexOf("/meta/")) + "/meta.json"));
          renamed++;
        } else if (!old.equals(rel)) {
          Files.move(p, prefix.resolve(old));
          renamed++;
        }
      }
    }
    assertThat(renamed).isGreaterThanOrEqualTo(3); // a snapshot, a log object, the metadata
    ServerProcess.Output doctor = doctor("legacy");
    assertThat(doctor.exitCode()).as(doctor.stdout() + doctor.stderr()).isZero();
    Path recovered = dir.resolve("recovered");
    ServerProcess.Output r = DisasterRecoveryTest.recover(s3, "legacy", recovered);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    try (TestServer server = TestServer.start(recovered, settings("legacy"))) {
      assertThat(rows(server.client(), db)).containsExactly("x");
      // A server on the old bucket goes on shipping under its generation, after the old names.
      assertThat(ShippingTest.query(server.client(), db, "INSERT INTO t VALUES ('y')").status())
          .isEqualTo(200);
    }
    assertThat(doctor("legacy").exitCode()).isZero();
    Path again = dir.resolve("again");
    assertThat(DisasterRecoveryTest.recover(s3, "legacy", again).exitCode()).isZero();
    try (TestServer server = TestServer.start(again)) {
      assertThat(rows(server.client(), db)).containsExactly("x", "y");
    }
  }

  /** The newest claim in the claims folder {@code dir} of the bucket, or null. */
  static String newestClaim(Path dir) throws Exception {
    // Only whole claims: s3proxy writes an object as <name>-<uuid> first, then renames it.
    List<String> claims =
        ShippingTest.objects(dir).stream().filter(n -> n.matches("\\p{XDigit}{16}")).toList();
    return claims.isEmpty() ? null : claims.getLast();
  }

  /**
   * Waits until the newest claim in {@code dir} is another than {@code before}: a server started
   * since has claimed the database (a guard, not a timing). Returns it.
   */
  static String awaitNewClaim(Path dir, String before) throws Exception {
    for (int i = 0; i < 600; i++) {
      String newest = newestClaim(dir);
      if (newest != null && !newest.equals(before)) {
        return newest;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(dir + " never held a claim above " + before);
  }

  static ServerProcess.Output doctor(String prefix) throws Exception {
    return doctor(s3, prefix);
  }

  /** {@code opend1 doctor --object-store} over {@code prefix} of {@code s3}'s bucket. */
  static ServerProcess.Output doctor(S3Proxy s3, String prefix) throws Exception {
    return ServerProcess.run(
        s3.env(),
        "doctor",
        "--object-store",
        "s3://" + S3Proxy.BUCKET + "/" + prefix,
        "--object-store-endpoint",
        s3.endpoint());
  }

  static List<String> rows(D1Client c, String db) {
    D1Client.Reply r = ShippingTest.query(c, db, "SELECT x FROM t ORDER BY rowid");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().at("/result/0/results").forEach(row -> out.add(row.path("x").asText()));
    return out;
  }
}
