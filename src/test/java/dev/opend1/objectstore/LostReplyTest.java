package dev.opend1.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.LossyRelay;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload that was stored but whose reply was lost is retried by the SDK and refused with 412
 * ({@code If-None-Match: *}): that refusal names our own object, not another writer's. A relay in
 * front of s3proxy loses the reply to a chosen PUT after s3proxy stored it.
 */
class LostReplyTest {

  @TempDir static Path s3dir;
  static S3Proxy s3;
  static LossyRelay relay;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
    relay = LossyRelay.start(s3.port());
  }

  @AfterAll
  static void stopS3() throws Exception {
    relay.close();
    s3.close();
  }

  static S3ObjectStore throughRelay(String prefix) {
    return Backups.store(
        "s3://" + S3Proxy.BUCKET + "/" + prefix, Optional.of(relay.endpoint()), "us-east-1");
  }

  @Test
  void anObjectAlreadyThereWithTheSameBytesCountsAsWritten() throws Exception {
    try (S3ObjectStore store = throughRelay("same")) {
      byte[] one = "records".getBytes(StandardCharsets.UTF_8);
      assertThat(store.putIfAbsent("a", one)).isTrue();
      assertThat(store.putIfAbsent("a", one.clone())).isTrue();
      assertThat(store.putIfAbsent("a", "other".getBytes(StandardCharsets.UTF_8))).isFalse();
      assertThat(store.putIfAbsent("a", "records!".getBytes(StandardCharsets.UTF_8))).isFalse();
      assertThat(store.get("a")).hasValueSatisfying(b -> assertThat(b).isEqualTo(one));
    }
  }

  @Test
  void aFileAlreadyThereWithTheSameBytesCountsAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("snap");
    byte[] big = new byte[200_000];
    new java.util.Random(7).nextBytes(big);
    Files.write(file, big);
    Path other = dir.resolve("other");
    big[199_999] ^= 1;
    Files.write(other, big);
    try (S3ObjectStore store = throughRelay("samefile")) {
      assertThat(store.putIfAbsent("s", file)).isTrue();
      assertThat(store.putIfAbsent("s", file)).isTrue();
      assertThat(store.putIfAbsent("s", other)).isFalse();
    }
  }

  @Test
  void aCatalogCopyWhoseReplyWasLostIsStoredOnce(@TempDir Path dir) throws Exception {
    Path catalog = dir.resolve("catalog.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE accounts (id TEXT)");
    }
    try (S3ObjectStore store = throughRelay("catalog-lost");
        CatalogShipper shipper =
            new CatalogShipper(catalog, store, dir.resolve("tmp"), Duration.ofDays(30))) {
      int before = relay.lost();
      relay.loseNextPutReply("/catalog-lost/catalog/");
      shipper.storeIfChanged();
      assertThat(relay.lost()).isEqualTo(before + 1);
      assertThat(store.list("catalog/")).hasSize(1);
    }
  }

  @Test
  void aWriteWhoseLogObjectReplyWasLostIsAnsweredAndShipped(@TempDir Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("log-lost", "sync"));
    settings.put("object-store-endpoint", relay.endpoint());
    String db;
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      db = ShippingTest.create(c, "lost");
      assertThat(ShippingTest.query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      int before = relay.lost();
      relay.loseNextPutReply("/log-lost/db/" + db + "/log/");
      D1Client.Reply r = ShippingTest.query(c, db, "INSERT INTO t VALUES (1)");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(relay.lost()).isEqualTo(before + 1);
      r = ShippingTest.query(c, db, "INSERT INTO t VALUES (2)");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(ShippingTest.count(c, db, "t")).isEqualTo(2);
    }
    ShippingTest.assertDoctorFindsNoProblem(s3, "log-lost");
  }

  /**
   * The store took the upload but its sender gave up on it (every reply lost, the retries' too: a
   * store that answers after the client's time limit, or dies between storing and answering). The
   * write is answered 503 and cut back here, while the bucket holds its record under this server's
   * generation. Once the store answers again, the next write must be taken and shipped in its
   * place, and the refused one must stay refused: not a replica fenced for good by its own orphan.
   */
  @Test
  void aWriteRefusedAfterItsUploadWasStoredLeavesNoOrphanBehind(@TempDir Path dir)
      throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("orphan", "sync"));
    settings.put("object-store-endpoint", relay.endpoint());
    String db;
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      db = ShippingTest.create(c, "orphan");
      assertThat(ShippingTest.query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      int before = relay.lost();
      relay.losePutReplies("/orphan/db/" + db + "/log/");
      D1Client.Reply refused = ShippingTest.query(c, db, "INSERT INTO t VALUES (1)");
      relay.keepReplies();
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.body()).contains("7500");
      assertThat(relay.lost()).as("the upload reached the store").isGreaterThan(before);
      D1Client.Reply taken = ShippingTest.query(c, db, "INSERT INTO t VALUES (2)");
      assertThat(taken.status()).as(taken.body()).isEqualTo(200);
      D1Client.Reply rows = ShippingTest.query(c, db, "SELECT group_concat(x) AS xs FROM t");
      assertThat(rows.body()).contains("\"xs\":\"2\"");
    }
    ShippingTest.assertDoctorFindsNoProblem(s3, "orphan");
  }

  @Test
  void theFirstWriteToANewDatabaseSurvivesALostCatalogReply(@TempDir Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("first-write", "sync"));
    settings.put("object-store-endpoint", relay.endpoint());
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      for (int i = 0; i < 3; i++) {
        String db = ShippingTest.create(c, "first" + i);
        // The create changed the catalog: the next upload round copies it first.
        relay.loseNextPutReply("/first-write/catalog/");
        D1Client.Reply r = ShippingTest.query(c, db, "CREATE TABLE u (b TEXT)");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
    }
  }
}
