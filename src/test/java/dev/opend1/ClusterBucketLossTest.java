package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.OutageLoad;
import dev.opend1.testing.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket lost under a running cluster: three node processes on one PostgreSQL and one s3proxy,
 * leases of 3 s, writes and reads of three databases (one placed on each node) sent through every
 * node. s3proxy is killed for longer than the ttl, then started again on the same port and files.
 * Pinned: every write sent while it is down is answered, within the client's timeout, with a
 * retryable 503 (code 7500, naming object storage) and never acknowledged, since a write is
 * answered only once it is in the bucket; every read meanwhile is answered 200; no acknowledged
 * write is lost; and every database takes writes again without a node restarted (the times are
 * printed, not asserted).
 */
class ClusterBucketLossTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration TTL = Duration.ofSeconds(3);

  /** Past the ttl: the leases must outlive an outage of the bucket. */
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  /** How long a client waits for an answer: a request not answered by then hung. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterNodes.start(3, dir, PG, TTL);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void writesGetARetryable503AndReadsGoOnWhileTheBucketIsDown() throws Exception {
    OutageLoad load = OutageLoad.onePerNode(cluster, "bucket-loss", CLIENT_TIMEOUT);
    List<String> dbs = load.databases();

    long stoppedAt = System.nanoTime();
    cluster.s3().stop();
    System.out.printf("s3proxy killed; load average %s%n", OutageLoad.loadAverage());
    Thread.sleep(OUTAGE.toMillis());
    long restartingAt = System.nanoTime();
    cluster.s3().startProcess();
    long restartedAt = System.nanoTime();
    System.out.printf(
        "s3proxy listening again %.1f s after the kill (its start took %.1f s); load average %s%n",
        (restartedAt - stoppedAt) / 1e9,
        (restartedAt - restartingAt) / 1e9,
        OutageLoad.loadAverage());

    OutageLoad.Resumed resumed = load.awaitResumed(dbs, restartedAt);
    load.finish();
    System.out.printf(
        "the bucket back to the first write acknowledged %.2f s, to every database written %.2f s"
            + " (lease ttl %d s, outage %.1f s); load average %s%n",
        (resumed.firstNanos() - restartedAt) / 1e9,
        (resumed.allNanos() - restartedAt) / 1e9,
        TTL.toSeconds(),
        (restartedAt - stoppedAt) / 1e9,
        OutageLoad.loadAverage());

    int writesRefused = 0;
    int reads = 0;
    double slowest = 0;
    for (OutageLoad.Answer a : load.answers()) {
      if (a.answeredNanos() < stoppedAt) {
        continue;
      }
      slowest = Math.max(slowest, a.seconds());
      assertThat(a.failure()).as("answered in D1's envelope: %s", a).isNull();
      boolean outage = a.sentNanos() > stoppedAt && a.answeredNanos() < restartingAt;
      if (a.read()) {
        assertThat(a.status()).as("reads go on: %s", a).isEqualTo(200);
        reads += outage ? 1 : 0;
      } else if (outage) {
        assertThat(a.status()).as("no write acknowledged without the bucket: %s", a).isEqualTo(503);
        assertThat(a.code()).as(a.toString()).isEqualTo(7500);
        assertThat(a.message()).as(a.toString()).contains("object storage");
        writesRefused++;
      } else if (a.status() != 200) {
        assertThat(a.status()).as("a retryable refusal: %s", a).isEqualTo(503);
        assertThat(a.code()).as(a.toString()).isEqualTo(7500);
      }
    }
    System.out.printf(
        "while the bucket was down: %d writes refused, %d reads answered; the slowest answer from"
            + " the kill on %.2f s (client timeout %d s)%n",
        writesRefused, reads, slowest, CLIENT_TIMEOUT.toSeconds());
    assertThat(writesRefused).as("writes were sent while the bucket was down").isPositive();
    assertThat(reads).as("reads were answered while the bucket was down").isPositive();

    load.assertSameNodesAndNothingLost();
  }
}
