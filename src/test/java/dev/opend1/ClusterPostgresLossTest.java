package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ClusterNodes;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.OutageLoad;
import dev.opend1.testing.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL lost under a running cluster: three node processes on a PostgreSQL server of this
 * test's own (so it can be stopped) and one s3proxy, leases of 3 s, writes to three databases (one
 * placed on each node) sent through every node. PostgreSQL is stopped at once ({@code pg_ctl stop
 * -m immediate}) for longer than the ttl and the liveness timeout, then started again on the same
 * port and files. Pinned: every request meanwhile is answered, within the client's timeout, 200 or
 * a retryable 503 with code 7500 in D1's envelope; no write sent once every lease could have lapsed
 * is acknowledged before PostgreSQL is back (the nodes fence themselves); no acknowledged write is
 * lost; and every database takes writes again without a node restarted (the times are printed, not
 * asserted).
 */
class ClusterPostgresLossTest {

  private static final Duration TTL = Duration.ofSeconds(3);

  /** Past the ttl and past the liveness timeout, so every node looks dead when it comes back. */
  private static final Duration OUTAGE = Duration.ofSeconds(15);

  /**
   * How long a client waits for an answer, the {@code cloudflare} SDK's per attempt (wrangler's is
   * 300 s): a request not answered by then hung. A request that needs PostgreSQL waits for the
   * catalog's pool (10 s) for each statement it needs before its 503.
   */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path dir;

  private static Postgres pg;
  private static ClusterNodes cluster;

  @BeforeAll
  static void start() throws Exception {
    pg = Postgres.start();
    pg.createDatabase("loss");
    cluster = ClusterNodes.start(3, dir, pg.catalogUrl("loss"), TTL, List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void writesGetARetryable503WhilePostgresIsDownAndResumeWhenItIsBack() throws Exception {
    OutageLoad load = OutageLoad.onePerNode(cluster, "pg-loss", CLIENT_TIMEOUT);
    List<String> dbs = load.databases();

    long stoppedAt = System.nanoTime();
    pg.stopNow();
    // PostgreSQL answers until its stop is through, which a loaded machine can stretch to seconds:
    // a renewal granted meanwhile is valid, so the leases' deadlines count from here.
    long goneAt = System.nanoTime();
    System.out.printf("PostgreSQL stopped; load average %s%n", OutageLoad.loadAverage());
    sleepUntil(goneAt + TTL.toNanos() + 1_000_000_000L);

    // Every lease could have lapsed by now: what else a client may ask meanwhile, all at once
    // (each waits for the catalog's pool in turn, so one after the other would stretch the outage).
    Map<String, CompletableFuture<D1Client.Reply>> probes = new LinkedHashMap<>();
    for (int i = 0; i < cluster.size(); i++) {
      int node = i;
      probes.put(
          "list the databases through node " + i,
          CompletableFuture.supplyAsync(
              () -> cluster.client(node, CLIENT_TIMEOUT).get(ClusterNodes.databases())));
      probes.put(
          "read node " + i + "'s own database there",
          CompletableFuture.supplyAsync(
              () -> cluster.queryServedBy(node, dbs.get(node), "SELECT count(*) FROM t")));
    }
    probes.put(
        "create a database",
        CompletableFuture.supplyAsync(
            () ->
                cluster
                    .client(0, CLIENT_TIMEOUT)
                    .post(ClusterNodes.databases(), "{\"name\":\"made-while-pg-is-down\"}")));
    probes.put(
        "a token the cluster does not know",
        CompletableFuture.supplyAsync(
            () ->
                new D1Client(
                        cluster.node(1).baseUrl(),
                        Map.of("Authorization", "Bearer not-a-token-of-this-cluster"),
                        CLIENT_TIMEOUT)
                    .get(ClusterNodes.databases())));
    for (Map.Entry<String, CompletableFuture<D1Client.Reply>> p : probes.entrySet()) {
      D1Client.Reply r = p.getValue().join();
      assertRetryable(r.status(), r.errorCode(), p.getKey() + ": " + r.body());
    }

    sleepUntil(stoppedAt + OUTAGE.toNanos());
    long restartedAt = System.nanoTime();
    pg.startAgain();
    System.out.printf(
        "PostgreSQL started again after %.1f s; load average %s%n",
        (restartedAt - stoppedAt) / 1e9, OutageLoad.loadAverage());

    // Every database takes writes again, without a node restarted.
    OutageLoad.Resumed resumed = load.awaitResumed(dbs, restartedAt);
    load.finish();
    System.out.printf(
        "PostgreSQL back to the first write acknowledged %.2f s, to every database written %.2f s"
            + " (lease ttl %d s, outage %.1f s); load average %s%n",
        (resumed.firstNanos() - restartedAt) / 1e9,
        (resumed.allNanos() - restartedAt) / 1e9,
        TTL.toSeconds(),
        (restartedAt - stoppedAt) / 1e9,
        OutageLoad.loadAverage());

    List<OutageLoad.Answer> answers = load.answers();
    long during = 0;
    double slowest = 0;
    for (OutageLoad.Answer a : answers) {
      if (a.answeredNanos() < stoppedAt) {
        continue;
      }
      during++;
      slowest = Math.max(slowest, a.seconds());
      assertThat(a.failure()).as("answered in D1's envelope: %s", a).isNull();
      if (a.status() != 200) {
        assertRetryable(a.status(), a.code(), a.toString());
      }
      if (a.sentNanos() > goneAt + TTL.toNanos() && a.answeredNanos() < restartedAt) {
        assertThat(a.status())
            .as("nothing served once every lease could have lapsed: %s", a)
            .isNotEqualTo(200);
      }
    }
    System.out.printf(
        "%d requests answered from the stop on, the slowest in %.2f s (client timeout %d s)%n",
        during, slowest, CLIENT_TIMEOUT.toSeconds());

    load.assertSameNodesAndNothingLost();
  }

  /** A clear, retryable refusal: 503 with code 7500 in D1's envelope. */
  private static void assertRetryable(int status, int code, String what) {
    assertThat(status).as(what).isEqualTo(503);
    assertThat(code).as(what).isEqualTo(7500);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }
  }
}
