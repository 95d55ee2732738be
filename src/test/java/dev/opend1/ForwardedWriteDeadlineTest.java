package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.PostgresDatabase;
import dev.opend1.testing.S3Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write forwarded to a slow owner is answered with what became of it: applied (the owner's 200)
 * or refused before it started (429, D1's "Requests queued for too long", nothing applied), never a
 * 502 from the forwarding node while the owner may still apply it. Two members in this JVM on a
 * real PostgreSQL and s3proxy, with a query time limit of 1 s; the owner's writer is kept busy by
 * writes sent to it directly that each run until that limit stops them.
 */
class ForwardedWriteDeadlineTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir static Path dir;

  /** A write that never ends on its own: the time limit stops it, having applied nothing. */
  private static final String ENDLESS =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
          + " INSERT INTO t(v) SELECT 'endless' FROM c WHERE x = 0";

  /**
   * Endless writes queued on the owner: before the fix, they held its writer for about 10 s, past
   * the 6 s (the limit and 5 s) after which the forwarding node gave up with a 502.
   */
  private static final int BUSY = 10;

  private static S3Proxy s3;
  private static InJvmNode a;
  private static InJvmNode b;

  @BeforeAll
  static void startTwoMembers() throws Exception {
    s3 = S3Proxy.start(dir.resolve("s3"));
    String catalog = PG.server().catalogUrl(PG.fresh());
    Map<String, String> settings = Map.of("query-timeout-ms", "1000");
    a = InJvmNode.member(dir.resolve("a"), catalog, s3, settings);
    b = InJvmNode.member(dir.resolve("b"), catalog, s3, settings);
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    s3.close();
  }

  @Test
  void aWriteForwardedToABusyOwnerIsNeverAnswered502WhileItMayStillBeApplied() throws Exception {
    String db = InJvmNode.databases() + "/" + b.createHere("busy-owner") + "/query";
    assertThat(b.client().post(db, sql("CREATE TABLE t(v TEXT)")).status()).isEqualTo(200);
    List<CompletableFuture<D1Client.Reply>> busy = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(BUSY);
    try {
      for (int i = 0; i < BUSY; i++) {
        busy.add(CompletableFuture.supplyAsync(() -> b.client().post(db, sql(ENDLESS)), senders));
      }
      awaitQueueDepth(BUSY);

      D1Client.Reply forwarded = a.client().post(db, sql("INSERT INTO t(v) VALUES ('marker')"));

      for (CompletableFuture<D1Client.Reply> f : busy) {
        assertThat(f.join().status()).isIn(400, 429);
      }
      awaitQueueDepth(0);
      long applied = markers(db);
      assertThat(forwarded.status())
          .as("answered %s, the write applied %d times: %s", forwarded.status(), applied, forwarded)
          .isNotEqualTo(502);
      if (forwarded.status() == 200) {
        assertThat(applied).isEqualTo(1);
      } else {
        assertThat(forwarded.status()).as(forwarded.body()).isEqualTo(429);
        assertThat(forwarded.errorCode()).isEqualTo(7500);
        assertThat(forwarded.errorMessage())
            .isEqualTo("D1 DB is overloaded. Requests queued for too long.");
        assertThat(applied).isZero();
      }
    } finally {
      senders.shutdownNow();
    }
  }

  /**
   * The owner counts a forwarded write's budget ({@code x-opend1-start-within-ms}) from the
   * request's arrival, on its own clock: a write whose budget is spent is refused, nothing applied;
   * one with time left runs. A value that is not a count of milliseconds is ignored.
   */
  @Test
  void theOwnerRefusesToStartAForwardedWriteWhoseBudgetIsSpent() throws Exception {
    String db = InJvmNode.databases() + "/" + b.createHere("budget") + "/query";
    assertThat(b.client().post(db, sql("CREATE TABLE t(v TEXT)")).status()).isEqualTo(200);

    D1Client.Reply late = forwardedToB(db, "0", "INSERT INTO t(v) VALUES ('marker')");
    assertThat(late.status()).as(late.body()).isEqualTo(429);
    assertThat(late.errorCode()).isEqualTo(7500);
    assertThat(late.errorMessage()).isEqualTo("D1 DB is overloaded. Requests queued for too long.");
    assertThat(markers(db)).isZero();
    // A read has nothing to apply: it is answered whatever its budget.
    assertThat(forwardedToB(db, "0", "SELECT 1").status()).isEqualTo(200);

    assertThat(forwardedToB(db, "60000", "INSERT INTO t(v) VALUES ('marker')").status())
        .isEqualTo(200);
    assertThat(forwardedToB(db, "soon", "INSERT INTO t(v) VALUES ('marker')").status())
        .isEqualTo(200);
    assertThat(markers(db)).isEqualTo(2);
  }

  /** Rows the marker write applied, read on the owner. */
  private static long markers(String db) {
    D1Client.Reply r = b.client().post(db, sql("SELECT count(*) AS n FROM t WHERE v = 'marker'"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().at("/0/results/0/n").asLong();
  }

  /** Waits until B's writers hold {@code depth} write requests, queued or running. */
  private static void awaitQueueDepth(int depth) throws InterruptedException {
    long until = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (queueDepth() != depth) {
      assertThat(System.nanoTime() - until)
          .as("B's write queue never held %d requests", depth)
          .isNegative();
      Thread.sleep(20);
    }
  }

  private static long queueDepth() {
    return b.metrics()
        .lines()
        .filter(l -> l.startsWith("opend1_writer_queue_depth "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip()))
        .findFirst()
        .orElseThrow();
  }

  /** {@code sql} sent to B as a forwarding node sends it, with {@code budget} to start in. */
  private static D1Client.Reply forwardedToB(String db, String budget, String sql) {
    return b.client()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + db))
                .header("Authorization", "Bearer " + InJvmNode.TOKEN)
                .header("x-opend1-forwarded", "1")
                .header("x-opend1-cluster-secret", InJvmNode.SECRET)
                .header("x-opend1-start-within-ms", budget)
                .POST(HttpRequest.BodyPublishers.ofString(sql(sql)))
                .build());
  }

  private static String sql(String text) {
    return D1Client.JSON.createObjectNode().put("sql", text).toString();
  }
}
