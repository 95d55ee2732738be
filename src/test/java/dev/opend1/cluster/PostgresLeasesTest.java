package dev.opend1.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.DatabaseId;
import dev.opend1.testing.PostgresDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leases on a real PostgreSQL: races between nodes, takeovers and their epochs, stale owners.
 * Expiry is reached two ways, each said at its test: by waiting out a short ttl (PostgreSQL's
 * {@code pg_sleep}, so its own clock passes it), or by a test-only UPDATE that moves {@code
 * expires_at} into the past, where waiting would only slow the test.
 */
class PostgresLeasesTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private static final Duration LONG = Duration.ofMinutes(5);

  private ClusterDatabase db;
  private Leases leases;
  private final NodeId a = new NodeId("node-a");
  private final NodeId b = new NodeId("node-b");
  private final DatabaseId d = DatabaseId.random();

  @BeforeEach
  void open() {
    db = new ClusterDatabase(PG);
    leases = new PostgresLeases(db.dataSource());
    Nodes nodes = new PostgresNodes(db.dataSource());
    for (int i = 0; i < 8; i++) {
      nodes.heartbeat(node(i), URI.create("http://10.0.0." + i + ":8787"), "test");
    }
    nodes.heartbeat(a, URI.create("http://a:8787"), "test");
    nodes.heartbeat(b, URI.create("http://b:8787"), "test");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static NodeId node(int i) {
    return new NodeId("n" + i);
  }

  /** Test-only: every lease on the database lapsed a second ago by PostgreSQL's clock. */
  private void expire(DatabaseId database) throws Exception {
    db.execute(
        "UPDATE database_leases SET expires_at = now() - interval '1 second'"
            + " WHERE database_id = '"
            + database
            + "'");
  }

  @Test
  void aFreeDatabaseIsAcquiredAndThenHeld() {
    Lease lease = leases.acquire(d, a, LONG).orElseThrow();
    assertThat(lease.owner()).isEqualTo(a);
    assertThat(lease.epoch()).isEqualTo(1);
    assertThat(leases.owner(d)).contains(lease);
    assertThat(leases.acquire(d, b, LONG)).isEmpty();
    assertThat(leases.acquire(d, a, LONG)).as("an owner renews, it does not re-acquire").isEmpty();
    assertThat(leases.owner(DatabaseId.random())).isEmpty();
  }

  @Test
  void onlyARegisteredNodeCanOwnADatabase() throws Exception {
    assertThatThrownBy(() -> leases.acquire(d, new NodeId("stranger"), LONG))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acquire the lease on " + d + " for stranger");
    assertThat(db.column("SELECT count(*) FROM database_leases")).containsExactly("0");
  }

  @Test
  void whenPostgresCannotBeReachedACallFailsSayingWhatItWasDoing() {
    Lease lease = leases.acquire(d, a, LONG).orElseThrow();
    db.closePool();
    assertThatThrownBy(() -> leases.renew(d, a, lease.epoch(), LONG))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("renew the lease on " + d + " for node-a: ");
  }

  @Test
  void ofNodesRacingForOneDatabaseExactlyOneWins() throws Exception {
    for (int round = 0; round < 20; round++) {
      DatabaseId contested = DatabaseId.random();
      List<Optional<Lease>> results = race(8, i -> () -> leases.acquire(contested, node(i), LONG));
      List<Lease> won = results.stream().flatMap(Optional::stream).toList();
      assertThat(won).hasSize(1);
      assertThat(won.get(0).epoch()).isEqualTo(1);
      assertThat(leases.owner(contested).orElseThrow().owner()).isEqualTo(won.get(0).owner());
    }
  }

  @Test
  void racingTakeoversOfAnExpiredLeaseHaveOneWinnerWithTheNextEpoch() throws Exception {
    leases.acquire(d, a, LONG).orElseThrow();
    for (long epoch = 2; epoch <= 10; epoch++) {
      expire(d);
      List<Lease> won =
          race(8, i -> () -> leases.acquire(d, node(i), LONG)).stream()
              .flatMap(Optional::stream)
              .toList();
      assertThat(won).hasSize(1);
      assertThat(won.get(0).epoch()).isEqualTo(epoch);
    }
  }

  @Test
  void epochsStrictlyIncreaseOverTakeoversAndReleases() throws Exception {
    long last = 0;
    NodeId[] owners = {a, b, a, a, b};
    for (int i = 0; i < owners.length; i++) {
      Lease lease = leases.acquire(d, owners[i], LONG).orElseThrow();
      assertThat(lease.epoch()).isGreaterThan(last);
      last = lease.epoch();
      if (i % 2 == 0) {
        assertThat(leases.release(d, lease.owner(), lease.epoch())).isTrue();
      } else {
        expire(d);
      }
    }
    assertThat(last).isEqualTo(owners.length);
    assertThat(db.column("SELECT epoch FROM database_leases")).containsExactly("5");
  }

  @Test
  void aStaleOwnerCanNeitherRenewNorReleaseAfterATakeover() throws Exception {
    Lease old = leases.acquire(d, a, LONG).orElseThrow();
    expire(d);
    assertThat(leases.renew(d, a, old.epoch(), LONG)).as("expired, not yet taken").isEmpty();
    Lease taken = leases.acquire(d, b, LONG).orElseThrow();
    assertThat(taken.epoch()).isEqualTo(old.epoch() + 1);

    assertThat(leases.renew(d, a, old.epoch(), LONG)).isEmpty();
    assertThat(leases.renew(d, a, taken.epoch(), LONG)).as("right epoch, wrong node").isEmpty();
    assertThat(leases.release(d, a, old.epoch())).isFalse();
    assertThat(leases.owner(d)).contains(taken);

    Lease renewed = leases.renew(d, b, taken.epoch(), LONG).orElseThrow();
    assertThat(renewed.epoch()).isEqualTo(taken.epoch());
    assertThat(renewed.expiresAt()).isAfterOrEqualTo(taken.expiresAt());
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndCannotBeRenewed() {
    Lease lease = leases.acquire(d, a, LONG).orElseThrow();
    assertThat(leases.release(d, a, lease.epoch())).isTrue();
    assertThat(leases.release(d, a, lease.epoch())).isFalse();
    assertThat(leases.owner(d)).isEmpty();
    assertThat(leases.renew(d, a, lease.epoch(), LONG)).isEmpty();
    assertThat(leases.acquire(d, b, LONG).orElseThrow().epoch()).isEqualTo(2);
  }

  @Test
  void aTakeWithAMinimumEpochGrantsAtLeastItAndLaterEpochsGoOnFromThere() throws Exception {
    long standalone = (System.currentTimeMillis() << 20) | 0xfffff;
    Grant first = leases.take(d, a, LONG, standalone + 1).orElseThrow();
    assertThat(first.lease().epoch()).isEqualTo(standalone + 1);
    assertThat(leases.take(d, b, LONG, standalone + 1)).as("in force").isEmpty();
    expire(d);
    assertThat(leases.take(d, b, LONG).orElseThrow().lease().epoch()).isEqualTo(standalone + 2);
    expire(d);
    assertThat(leases.take(d, a, LONG, 5).orElseThrow().lease().epoch())
        .as("a minimum below the epoch changes nothing")
        .isEqualTo(standalone + 3);
  }

  @Test
  void aTakeSaysWhichNodeHeldTheDatabaseLast() throws Exception {
    Grant first = leases.take(d, a, LONG).orElseThrow();
    assertThat(first.previousOwner()).as("never held").isEmpty();
    assertThat(leases.take(d, b, LONG)).as("in force").isEmpty();
    leases.release(d, a, first.lease().epoch());
    Grant again = leases.take(d, a, LONG).orElseThrow();
    assertThat(again.previousOwner()).contains(a);
    assertThat(again.lease().epoch()).isEqualTo(2);
    expire(d);
    Grant other = leases.take(d, b, LONG).orElseThrow();
    assertThat(other.previousOwner()).contains(a);
    assertThat(other.lease().epoch()).isEqualTo(3);
    expire(d);
    assertThat(leases.take(d, a, LONG).orElseThrow().previousOwner()).contains(b);
  }

  @Test
  void ofRacingTakesOfALapsedLeaseTheWinnerSeesTheOwnerBeforeIt() throws Exception {
    leases.take(d, a, LONG).orElseThrow();
    for (int round = 0; round < 10; round++) {
      NodeId before = leases.owner(d).orElseThrow().owner();
      expire(d);
      List<Grant> won =
          race(8, i -> () -> leases.take(d, node(i), LONG)).stream()
              .flatMap(Optional::stream)
              .toList();
      assertThat(won).hasSize(1);
      assertThat(won.get(0).previousOwner()).contains(before);
    }
  }

  @Test
  void aNodeReclaimsOnlyALeaseInForceThatItHolds() throws Exception {
    Lease held = leases.acquire(d, a, LONG).orElseThrow();
    assertThat(leases.reclaim(d, b, LONG)).as("another node's").isEmpty();
    Grant reclaimed = leases.reclaim(d, a, LONG).orElseThrow();
    assertThat(reclaimed.previousOwner()).as("it wrote it last itself").contains(a);
    assertThat(reclaimed.lease().epoch()).isEqualTo(held.epoch() + 1);
    assertThat(leases.renew(d, a, held.epoch(), LONG)).as("the old epoch is gone").isEmpty();
    expire(d);
    assertThat(leases.reclaim(d, a, LONG)).as("lapsed: take it instead").isEmpty();
  }

  @Test
  void renewAllRenewsEveryHeldLeaseInOneCallAndLeavesOutTheLostOnes() throws Exception {
    java.util.Map<DatabaseId, Long> epochs = new java.util.HashMap<>();
    List<DatabaseId> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      DatabaseId id = DatabaseId.random();
      all.add(id);
      epochs.put(id, leases.acquire(id, a, Duration.ofSeconds(30)).orElseThrow().epoch());
    }
    DatabaseId lapsed = all.get(0);
    DatabaseId taken = all.get(1);
    DatabaseId stale = all.get(2);
    expire(lapsed);
    expire(taken);
    leases.acquire(taken, b, LONG).orElseThrow();
    epochs.put(stale, epochs.get(stale) + 7);
    epochs.put(DatabaseId.random(), 1L);

    List<Lease> renewed = leases.renewAll(a, epochs, LONG);
    assertThat(renewed).hasSize(997);
    assertThat(renewed).extracting(Lease::database).doesNotContain(lapsed, taken, stale);
    assertThat(renewed).allSatisfy(l -> assertThat(l.owner()).isEqualTo(a));
    assertThat(
            db.column(
                "SELECT count(*) FROM database_leases WHERE owner = 'node-a'"
                    + " AND expires_at > now() + interval '4 minutes'"))
        .containsExactly("997");
    assertThat(leases.renewAll(b, java.util.Map.of(), LONG)).isEmpty();
  }

  /** Waits, inside PostgreSQL and so on its clock, until a moment past the given time. */
  private void sleepInPostgresUntil(java.time.Instant moment, int plusMillis) throws Exception {
    db.column(
        "SELECT pg_sleep_until('"
            + moment
            + "'::timestamptz + interval '"
            + plusMillis
            + " milliseconds')");
  }

  @Test
  void aLeaseLapsesByPostgresClockAndRenewingKeepsIt() throws Exception {
    // Real expiry: a 5 s lease, waited out inside PostgreSQL (pg_sleep, pg_sleep_until), so the
    // clock that passes expires_at is PostgreSQL's. The margins are seconds, for a busy machine.
    Duration ttl = Duration.ofSeconds(5);
    Lease lease = leases.acquire(d, a, ttl).orElseThrow();
    assertThat(
            db.column(
                "SELECT (expires_at - now()) <= interval '5 seconds'"
                    + " AND expires_at > now() FROM database_leases"))
        .containsExactly("t");
    db.column("SELECT pg_sleep(2)");
    assertThat(leases.acquire(d, b, ttl)).as("still in force").isEmpty();
    Lease renewed = leases.renew(d, a, lease.epoch(), ttl).orElseThrow();
    assertThat(Duration.between(lease.expiresAt(), renewed.expiresAt()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    sleepInPostgresUntil(lease.expiresAt(), 100);
    assertThat(leases.owner(d)).as("past the first ttl, but renewed").contains(renewed);
    sleepInPostgresUntil(renewed.expiresAt(), 10);
    assertThat(leases.owner(d)).isEmpty();
    assertThat(leases.renew(d, a, lease.epoch(), ttl)).isEmpty();
    assertThat(leases.acquire(d, b, ttl).orElseThrow().epoch()).isEqualTo(2);
  }

  @Test
  void theOwnersClockStopsWritesBeforePostgresLetsTheLeaseGo() throws Exception {
    // Real time on both sides: the local deadline (send + 3 s - 1 s) passes while PostgreSQL
    // still holds the lease (its now() + 3 s, its now() being after the send).
    Duration ttl = Duration.ofSeconds(3);
    LeaseClock clock = new LeaseClock(Duration.ofSeconds(1));
    long sent = clock.beforeSend();
    leases.acquire(d, a, ttl).orElseThrow();
    clock.granted(sent, ttl);
    assertThat(clock.mayWrite()).isTrue();
    while (clock.mayWrite()) {
      Thread.sleep(5);
    }
    assertThat(leases.owner(d)).as("no other node can take it yet").isPresent();
    assertThat(leases.acquire(d, b, ttl)).isEmpty();
  }

  @Test
  void manyNodesOnManyDatabasesNeverGiveADatabaseTwoOwners() throws Exception {
    // 8 nodes, 40 databases, each node in a loop: acquire a random database with a short lease,
    // sometimes renew it, then release it or let it lapse (test-only expiry keeps it quick).
    List<DatabaseId> databases = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      databases.add(DatabaseId.random());
    }
    List<List<Lease>> granted =
        race(
            8,
            i ->
                () -> {
                  java.util.Random random = new java.util.Random(i);
                  List<Lease> mine = new ArrayList<>();
                  for (int step = 0; step < 150; step++) {
                    DatabaseId target = databases.get(random.nextInt(databases.size()));
                    Optional<Lease> got = leases.acquire(target, node(i), LONG);
                    if (got.isEmpty()) {
                      continue;
                    }
                    Lease lease = got.get();
                    mine.add(lease);
                    if (random.nextBoolean()) {
                      leases.renew(target, node(i), lease.epoch(), LONG).orElseThrow();
                    }
                    if (random.nextBoolean()) {
                      assertThat(leases.release(target, node(i), lease.epoch())).isTrue();
                    } else {
                      expire(target);
                    }
                  }
                  return mine;
                });
    List<Lease> all = granted.stream().flatMap(List::stream).toList();
    assertThat(all).hasSizeGreaterThan(100);
    for (DatabaseId target : databases) {
      List<Long> epochs =
          all.stream().filter(l -> l.database().equals(target)).map(Lease::epoch).sorted().toList();
      // Every epoch granted once: 1, 2, ..., n with no repeat and no gap.
      for (int k = 0; k < epochs.size(); k++) {
        assertThat(epochs.get(k)).as("grants of %s", target).isEqualTo(k + 1L);
      }
    }
    // One row per database, whose epoch is its number of grants and whose owner the last grant's.
    assertThat(
            db.column(
                "SELECT count(*) FROM (SELECT database_id FROM database_leases"
                    + " GROUP BY database_id HAVING count(*) > 1) twice"))
        .containsExactly("0");
    for (DatabaseId target : databases) {
      Optional<Lease> last =
          all.stream()
              .filter(l -> l.database().equals(target))
              .max(java.util.Comparator.comparingLong(Lease::epoch));
      List<String> row =
          db.column(
              "SELECT owner || ' ' || epoch FROM database_leases WHERE database_id = '"
                  + target
                  + "'");
      assertThat(row)
          .containsExactlyElementsOf(
              last.map(l -> List.of(l.owner() + " " + l.epoch())).orElse(List.of()));
    }
  }

  /** Runs n calls at once (released together) and returns their results in order. */
  static <T> List<T> race(int n, java.util.function.IntFunction<Callable<T>> call)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> c = call.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return c.call();
                }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
