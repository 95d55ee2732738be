package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import dev.opend1.history.Follower;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster nodes in this JVM on a real PostgreSQL catalog and a real bucket (s3proxy): the node
 * that created a database writes it; the other answers reads of it as a read replica when its
 * {@code read_replication.mode} is {@code auto}, following its log in the bucket, with {@code
 * served_by_primary: false}, its own region, and {@code x-d1-bookmark} honoured.
 */
class ReplicaServingTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir static Path s3dir;
  static S3Proxy s3;

  @TempDir Path dir;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  private Map<String, String> node(String region) throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "the-cluster-secret-of-the-test\n");
    Map<String, String> settings = new HashMap<>(s3.settings("replicas", "sync"));
    settings.put("advertise-url", "http://127.0.0.1:9");
    settings.put("cluster-secret-file", secret.toString());
    settings.put("region", region);
    return settings;
  }

  private static String create(D1Client c, String name, String mode) {
    D1Client.Reply r =
        c.post(
            InJvmNode.databases(),
            "{\"name\":\"" + name + "\",\"read_replication\":{\"mode\":\"" + mode + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().path("uuid").asText();
  }

  private static D1Client.Reply query(D1Client c, String db, String sql, String lastSeen) {
    return c.send(
        "POST",
        InJvmNode.databases() + "/" + db + "/query",
        D1Client.JSON.createObjectNode().put("sql", sql).toString(),
        lastSeen == null ? Map.of() : Map.of("x-d1-bookmark", lastSeen));
  }

  @Test
  void aNodeThatDoesNotHoldADatabaseAnswersItsReadsAsAReplica() throws Exception {
    String catalog = PG.catalogUrl();
    try (InJvmNode owner = InJvmNode.start(dir.resolve("a"), catalog, node("WEUR"));
        InJvmNode replica = InJvmNode.start(dir.resolve("b"), catalog, node("ENAM"))) {
      D1Client a = owner.client();
      D1Client b = replica.client();
      String db = create(a, "replicated", "auto");
      assertThat(query(a, db, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)", null).status())
          .isEqualTo(200);
      D1Client.Reply written =
          query(a, db, "INSERT INTO t (b) VALUES ('one'), ('two'), ('three')", null);
      assertThat(written.status()).as(written.body()).isEqualTo(200);
      String w = written.header("x-d1-bookmark");
      assertThat(written.json().at("/result/0/meta/served_by_primary").asBoolean()).isTrue();

      // Read-your-writes on the other node: it waits for its copy to reach the write.
      D1Client.Reply read = query(b, db, "SELECT b FROM t ORDER BY a", w);
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(read.json().at("/result/0/results").toString())
          .isEqualTo("[{\"b\":\"one\"},{\"b\":\"two\"},{\"b\":\"three\"}]");
      assertThat(read.json().at("/result/0/meta/served_by_primary").asBoolean()).isFalse();
      assertThat(read.json().at("/result/0/meta/served_by_region").asText()).isEqualTo("ENAM");
      assertThat(read.header("x-d1-bookmark")).isGreaterThanOrEqualTo(w);

      // The replica never writes: a write there is refused, and the owner's data is unchanged.
      D1Client.Reply write = query(b, db, "INSERT INTO t (b) VALUES ('four')", null);
      assertThat(write.status()).isEqualTo(400);
      assertThat(write.errorMessage()).contains("readonly");
      assertThat(
              query(a, db, "SELECT count(*) AS n FROM t", null)
                  .json()
                  .at("/result/0/results/0/n")
                  .asInt())
          .isEqualTo(3);

      // A bookmark nothing has written: a bounded wait, then a retryable refusal.
      Bookmark seen = Bookmark.parse(w).orElseThrow();
      String ahead = new Bookmark(seen.seq() + 1000, seen.hash()).toString();
      D1Client.Reply behind = query(b, db, "SELECT 1", ahead);
      assertThat(behind.status()).isEqualTo(503);
      assertThat(behind.errorCode()).isEqualTo(7500);
      assertThat(behind.errorMessage())
          .contains("has not reached bookmark " + ahead)
          .contains("within 2 s; retry the request");

      // Lag is reported, and falls to nothing once the copy caught up.
      Follower.Lag lag = replica.parts().followers().orElseThrow().maxLag();
      assertThat(lag.records()).isZero();
      assertThat(replica.parts().followers().orElseThrow().size()).isEqualTo(1);
      assertThat(replica.metrics())
          .contains("opend1_replicas_followed 1.0")
          .contains("opend1_replica_lag_records 0.0")
          .containsPattern("(?m)^opend1_replica_lag_seconds \\d");
      assertThat(owner.metrics()).doesNotContain("opend1_replicas_followed 1.0");

      // A database without read replication is not answered by the other node (as before).
      String plain = create(a, "primary-only", "disabled");
      assertThat(query(a, plain, "CREATE TABLE u (x)", null).status()).isEqualTo(200);
      assertThat(query(b, plain, "SELECT 1", null).status()).isEqualTo(503);
    }
  }
}
