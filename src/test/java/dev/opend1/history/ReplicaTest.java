package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica ships whole records from local segments to a fake object store, finds its place again
 * from the bucket alone, fences off a history that is not the bucket's, and {@link RemoteRestore}
 * lays the same records down again.
 */
class ReplicaTest {

  static final String ID = "6f1c2f43-5a8f-4b55-9a59-0c1d2e3f4a5b";

  /** The generation a cluster node gives a database it does not hold (OwnedDatabases.NOT_HELD). */
  static final long NOT_HELD = 1;

  /** The writer generation the tests' replicas write under. */
  static final long GEN = 0x1234;

  @TempDir Path dir;
  final MemoryObjectStore store = new MemoryObjectStore();
  final ReplicationCounters counters = new ReplicationCounters();

  /** Local history: a snapshot at 0 and records 0..n-1 with a real hash chain. */
  final class Local {
    final Path history;
    byte[] hash = RecordCodec.seedHash(ID);
    long next = 0;
    String segment;

    /** The generation its replica writes under: another server's history has its own. */
    long gen = GEN;

    Local(Path history) throws Exception {
      this.history = history;
      Files.createDirectories(history);
      Files.write(history.resolve(SegmentLog.snapName(0)), new byte[4096]);
    }

    /** Appends {@code n} records to segment {@code seg-<first>} (a new one when asked). */
    long append(int n, boolean newSegment, long timeMicros) throws Exception {
      if (segment == null || newSegment) {
        segment = SegmentLog.segName(next);
      }
      try (FileChannel ch =
          FileChannel.open(
              history.resolve(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        long pos = ch.size();
        for (int i = 0; i < n; i++) {
          byte[] page = new byte[4096];
          page[0] = (byte) next;
          HistoryRecord r =
              RecordCodec.make(
                  hash,
                  next,
                  timeMicros + next,
                  next == 0 ? HistoryRecord.IMAGE : HistoryRecord.PAGES,
                  4096,
                  1,
                  next == 0 ? Map.of() : Map.of(1, page),
                  -1);
          ByteBuffer b = RecordCodec.encode(r);
          while (b.hasRemaining()) {
            pos += ch.write(b, pos);
          }
          hash = r.hash();
          next++;
        }
        return pos;
      }
    }

    Replica replica() {
      return Replicas.standalone(
          ID, store, history, history.resolveSibling("meta.json"), gen, counters);
    }
  }

  List<String> logs() {
    return store.objects.keySet().stream().filter(n -> n.contains("/log/")).toList();
  }

  @Test
  void shipsRecordsInOrderWithTheSnapshotFirstAndResumesFromTheBucket() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(3, false, 1_000);
    Replica r = local.replica();
    r.ship(local.segment, end);
    assertThat(store.objects).containsKey(BucketNames.snapshot(ID, 0, GEN));
    assertThat(logs()).containsExactly(BucketNames.log(ID, 0, GEN));
    end = local.append(2, false, 1_000);
    r.ship(local.segment, end);
    end = local.append(2, true, 1_000);
    // A new replica (a restart) knows only what the bucket says.
    Replica again = local.replica();
    again.ship(local.segment, end);
    assertThat(logs())
        .containsExactly(
            BucketNames.log(ID, 0, GEN), BucketNames.log(ID, 3, GEN), BucketNames.log(ID, 5, GEN));
    assertThat(RemoteCheck.check(store).problems()).containsExactly("no catalog copy in memory");
  }

  /** The bytes of {@code local}'s segment from {@code from} to {@code to}: records as shipped. */
  static byte[] bytes(Local local, long from, long to) throws Exception {
    byte[] all = Files.readAllBytes(local.history.resolve(local.segment));
    return java.util.Arrays.copyOfRange(all, (int) from, (int) to);
  }

  /**
   * An upload of this writer's own given up on (the store took it after the client's time limit)
   * holds seq 2 as it was before the history cut it back; the next seq 2 is another record. The
   * replica replaces the refused one instead of taking its own name for another server's.
   */
  @Test
  void anUploadOfItsOwnGivenUpOnIsReplacedNotFenced() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(2, false, 1_000);
    Replica r = local.replica();
    r.ship(local.segment, end);
    Local refused = new Local(dir.resolve("b/history"));
    long from = refused.append(2, false, 1_000);
    byte[] orphan = bytes(refused, from, refused.append(1, false, 5_000));
    store.objects.put(BucketNames.log(ID, 2, GEN), orphan);
    long more = local.append(1, false, 1_000);
    r.ship(local.segment, more);
    assertThat(store.objects.get(BucketNames.log(ID, 2, GEN)))
        .isEqualTo(bytes(local, end, more))
        .isNotEqualTo(orphan);
    assertThat(counters.fencedDatabases()).isEmpty();
    assertThat(RemoteCheck.check(store).problems()).containsExactly("no catalog copy in memory");
  }

  /** As above, found at a start (a reopen after the failure): removed before anything ships. */
  @Test
  void anUploadOfItsOwnGivenUpOnIsRemovedAtTheStart() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(2, false, 1_000);
    local.replica().ship(local.segment, end);
    Local refused = new Local(dir.resolve("b/history"));
    long from = refused.append(2, false, 1_000);
    byte[] orphan = bytes(refused, from, refused.append(3, false, 5_000));
    store.objects.put(BucketNames.log(ID, 2, GEN), orphan);
    Replica again = local.replica();
    again.ship(local.segment, end);
    assertThat(logs()).containsExactly(BucketNames.log(ID, 0, GEN));
    long more = local.append(1, false, 1_000);
    again.ship(local.segment, more);
    assertThat(store.objects.get(BucketNames.log(ID, 2, GEN))).isEqualTo(bytes(local, end, more));
    assertThat(counters.fencedDatabases()).isEmpty();
  }

  /**
   * Async: the store took an upload of seq 2 whose reply was lost, and the history kept it (it was
   * answered once durable here); the next shipment, seqs 2 and 3, finds its name taken with fewer
   * records. They are the bucket's now: seq 3 ships on after them.
   */
  @Test
  void anUploadOfItsOwnWhoseRecordsAreStillHereIsKept() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(2, false, 1_000);
    Replica r = local.replica();
    r.ship(local.segment, end);
    long two = local.append(1, false, 1_000);
    store.objects.put(BucketNames.log(ID, 2, GEN), bytes(local, end, two));
    long three = local.append(1, false, 1_000);
    r.ship(local.segment, three);
    assertThat(logs())
        .containsExactly(
            BucketNames.log(ID, 0, GEN), BucketNames.log(ID, 2, GEN), BucketNames.log(ID, 3, GEN));
    assertThat(store.objects.get(BucketNames.log(ID, 3, GEN))).isEqualTo(bytes(local, two, three));
    assertThat(counters.fencedDatabases()).isEmpty();
  }

  /** What cannot be read as records is never removed: the shipment fails and says so. */
  @Test
  void anUnreadableObjectUnderItsOwnNameIsLeftAndFailsTheShipment() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(2, false, 1_000);
    Replica r = local.replica();
    r.ship(local.segment, end);
    store.objects.put(BucketNames.log(ID, 2, GEN), new byte[] {1, 2, 3});
    long more = local.append(1, false, 1_000);
    assertThatThrownBy(() -> r.ship(local.segment, more)).isInstanceOf(java.io.IOException.class);
    assertThat(store.objects.get(BucketNames.log(ID, 2, GEN))).containsExactly(1, 2, 3);
  }

  @Test
  void aLocalHistoryThatDivergedFromTheBucketIsFencedAtStart() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(3, false, 1_000);
    local.replica().ship(local.segment, end);
    // A second history of the same database, same length, other content, on another server.
    Local other = new Local(dir.resolve("b/history"));
    other.gen = GEN + 1;
    other.hash = new byte[16];
    other.next = 0;
    long otherEnd = other.append(4, false, 2_000);
    assertThatThrownBy(() -> other.replica().ship(other.segment, otherEnd))
        .hasMessageContaining("differs from the bucket");
  }

  @Test
  void aClusterNodesCopyThatAnotherNodeOvertookIsNotToldToShipToANewPrefix() throws Exception {
    Local owner = new Local(dir.resolve("a/history"));
    long end = owner.append(5, false, 1_000);
    leased(owner, "a", 3).ship(owner.segment, end);
    // This node's copy stops at seq 2: another node wrote the database since it was made.
    Local older = new Local(dir.resolve("b/history"));
    long olderEnd = older.append(3, false, 1_000);
    assertThatThrownBy(() -> leased(older, "b", NOT_HELD).ship(older.segment, olderEnd))
        .hasMessageContaining("another node wrote it since")
        .hasMessageNotContaining("new prefix");
  }

  @Test
  void aClusterNodesStartShipsNothingOfADatabaseItDoesNotHold() throws Exception {
    String held = "7a1c2f43-5a8f-4b55-9a59-0c1d2e3f4a5b";
    // The bucket ends at seq 4; this node's copy (of a database another node holds) at seq 2.
    Local owner = new Local(dir.resolve("owner/history"));
    long end = owner.append(5, false, 1_000);
    leased(owner, "owner", 3).ship(owner.segment, end);
    Local older =
        new Local(new dev.opend1.core.DataLayout(dir.resolve("node")).database(ID).historyDir());
    older.append(3, false, 1_000);
    java.nio.file.Files.createDirectories(
        new dev.opend1.core.DataLayout(dir.resolve("node")).database(held).historyDir());
    java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    WriterGeneration cluster =
        new WriterGeneration() {
          @Override
          public long of(String databaseId) {
            return databaseId.equals(held) ? 9 : NOT_HELD;
          }

          @Override
          public boolean leased() {
            return true;
          }

          @Override
          public boolean holds(String databaseId) {
            asked.add(databaseId);
            return databaseId.equals(held);
          }
        };
    Replication replication =
        new Replication(
            store,
            dir.resolve("node"),
            Replication.Durability.SYNC,
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofSeconds(30),
            java.time.Duration.ofDays(30),
            () -> {},
            cluster,
            () -> {});
    try {
      replication.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!asked.containsAll(List.of(ID, held)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(200); // the catch-up of the held one, after the question
      assertThat(asked).as("the catch-up asked about both").contains(ID, held);
      assertThat(replication.counters().fencedDatabases())
          .as("the copy another node overtook is left for its take to refresh")
          .isEmpty();
      assertThat(replication.counters().lastError()).isNull();
      assertThat(store.objects).doesNotContainKey(BucketNames.claim(ID, NOT_HELD));
    } finally {
      replication.close();
    }
  }

  @Test
  void aHistoryRecoveredToAnEarlierPointMustShipToANewPrefix() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(5, false, 1_000);
    local.replica().ship(local.segment, end);
    // The same history, cut at seq 2 (what recover --at lays down), then a new commit by the
    // server started on it.
    Local earlier = new Local(dir.resolve("b/history"));
    earlier.gen = GEN + 1;
    earlier.append(3, false, 1_000);
    long more = earlier.append(1, false, 9_000);
    assertThatThrownBy(() -> earlier.replica().ship(earlier.segment, more))
        .hasMessageContaining("new prefix");
  }

  long sizeOf(Local local) throws Exception {
    return Files.size(local.history.resolve(local.segment));
  }

  @Test
  void aStoreThatIsDownFailsTheShipmentAndTheNextOneCatchesUp() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    Replica r = local.replica();
    long end = local.append(2, false, 1_000);
    r.note(local.segment, end);
    store.down.set(true);
    assertThatThrownBy(r::shipNoted).hasMessageContaining("refused");
    assertThat(r.lagBytes()).isEqualTo(end);
    end = local.append(1, false, 1_000);
    r.note(local.segment, end);
    store.down.set(false);
    r.shipNoted();
    assertThat(r.lagBytes()).isZero();
    assertThat(r.lagNanos()).isZero();
    assertThat(logs()).containsExactly(BucketNames.log(ID, 0, GEN));
  }

  /**
   * A local record damaged before it was shipped stops the shipment there, as a failure: the
   * records before it are shipped, the lag keeps the rest, and every later try fails the same way.
   * Before, the damaged record read as the end of what there was to ship, and the lag said the
   * bucket was current.
   */
  @Test
  void aDamagedLocalRecordFailsTheShipmentAndKeepsTheLag() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    Replica r = local.replica();
    long first = local.append(1, false, 1_000);
    long second = local.append(1, false, 1_000);
    long end = local.append(1, false, 1_000);
    Path seg = local.history.resolve(local.segment);
    byte[] bytes = Files.readAllBytes(seg);
    bytes[(int) (first + (second - first) / 2)] ^= 1;
    Files.write(seg, bytes);

    r.note(local.segment, end);
    assertThatThrownBy(r::shipNoted)
        .hasMessage(
            "history segment "
                + local.segment
                + " of "
                + ID
                + " is damaged at byte "
                + first
                + ": seq 1 and later cannot be shipped (opend1 doctor reports the damage)");
    assertThat(logs()).containsExactly(BucketNames.log(ID, 0, GEN));
    assertThat(r.lagBytes()).isEqualTo(end - first);
    assertThatThrownBy(r::shipNoted).hasMessageContaining("is damaged at byte " + first);
    assertThat(r.lagBytes()).isEqualTo(end - first);
  }

  /** A clock the tests move by hand, in nanoseconds. */
  final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();

  Replica replica(Local local, String name, long generation) {
    return new Replica(
        ID,
        store,
        local.history,
        dir.resolve(name + "/meta.json"),
        generation,
        false,
        counters,
        Replica.CLAIMS_EVERY,
        now::get);
  }

  /** As {@link #replica}, for a cluster node: its generation is a lease's, taken over (below). */
  Replica leased(Local local, String name, long generation) {
    return new Replica(
        ID,
        store,
        local.history,
        dir.resolve(name + "/meta.json"),
        generation,
        true,
        counters,
        Replica.CLAIMS_EVERY,
        now::get);
  }

  long claimListings() {
    return store.listed.stream().filter(p -> p.equals(BucketNames.claims(ID))).count();
  }

  @Test
  void aHigherGenerationTakesTheDatabaseOverAndTheLowerStopsWithinThePeriod() throws Exception {
    Local a = new Local(dir.resolve("a/history"));
    long end = a.append(2, false, 1_000);
    Replica old = replica(a, "a", 5);
    old.ship(a.segment, end);
    // A copy of the same history started later: a higher generation, the same bucket end.
    Local b = new Local(dir.resolve("b/history"));
    b.append(2, false, 1_000);
    Replica newer = replica(b, "b", 9);
    newer.shipAll();
    // Its claim superseded the lower one, which it deleted.
    assertThat(store.objects.keySet().stream().filter(n -> n.startsWith(BucketNames.claims(ID))))
        .containsExactly(BucketNames.claim(ID, 9));
    // Within CLAIMS_EVERY of its last look at the claims, the lower one's upload counts (what the
    // period weakens, docs/backups.md): its seq 2 is stored and nothing is listed.
    long listings = claimListings();
    now.addAndGet(Replica.CLAIMS_EVERY.toNanos() - 1);
    long seq2 = a.append(1, false, 1_000);
    old.ship(a.segment, seq2);
    assertThat(claimListings()).isEqualTo(listings);
    // Once the period has passed, the next upload lists the claims: it lands (a store may take
    // it) but the lower one stops there, says why, and refuses every later shipment.
    now.addAndGet(1);
    long seq3 = a.append(1, false, 1_000);
    assertThatThrownBy(() -> old.ship(a.segment, seq3))
        .hasMessageContaining("writer generation 9 claimed it");
    assertThat(old.fenced()).contains("no longer shipped");
    assertThatThrownBy(() -> old.ship(a.segment, seq3)).hasMessageContaining("no longer shipped");
    assertThat(store.objects).containsKeys(BucketNames.log(ID, 2, 5), BucketNames.log(ID, 3, 5));
    // The higher one writes its own seq 2: the chain follows it, the other's are left out.
    long other = b.append(1, false, 2_000);
    newer.ship(b.segment, other);
    RemoteRestore.Objects db = RemoteRestore.databases(store).get(ID);
    assertThat(db.logs()).containsEntry(2L, BucketNames.log(ID, 2, 9));
    assertThat(db.stale())
        .containsExactlyInAnyOrder(BucketNames.log(ID, 2, 5), BucketNames.log(ID, 3, 5));
    RemoteRestore.Result r =
        RemoteRestore.recover(store, db, dir.resolve("r/history"), OptionalLong.empty(), n -> {})
            .orElseThrow();
    assertThat(r.lastSeq()).isEqualTo(2);
    assertThat(r.lastTimeMicros()).isEqualTo(2_002);
    assertThat(RemoteCheck.check(store).problems())
        .anyMatch(p -> p.contains(BucketNames.log(ID, 2, 5)) && p.contains("another writer's"));
    // A replica whose generation is below a claim (a clock set back) refuses to ship.
    Replica behind =
        Replicas.standalone(ID, store, b.history, dir.resolve("b/meta.json"), 7, counters);
    assertThatThrownBy(behind::shipAll).hasMessageContaining("clock went back");
  }

  @Test
  void aLateUploadOfALowerGenerationDoesNotFenceTheLeaseHolderThatTookTheDatabaseOver()
      throws Exception {
    Local a = new Local(dir.resolve("a/history"));
    long end = a.append(3, false, 1_000);
    Replica old = leased(a, "a", 5);
    old.ship(a.segment, end);
    // Node b takes the database over under generation 9: its claim first, then the history laid
    // down from the bucket (seqs 0..2, as a rebuild does).
    store.putIfAbsent(BucketNames.claim(ID, 9), new byte[0]);
    Path laidDown = dir.resolve("b/history");
    RemoteRestore.recover(
            store, RemoteRestore.databases(store).get(ID), laidDown, OptionalLong.empty(), n -> {})
        .orElseThrow();
    // Node a, paused between its check and its upload, wakes: its seq 3 lands (within the period
    // its last look at the claims vouches for) before node b's first write.
    long late = a.append(1, false, 1_000);
    old.ship(a.segment, late);
    assertThat(store.objects).containsKey(BucketNames.log(ID, 3, 5));
    // Node b's first commit is its own seq 3: shipped, not fenced by the late object.
    Local b = new Local(laidDown);
    b.next = 3;
    b.hash = lastHashOf(laidDown);
    b.segment = SegmentLog.segName(0);
    long first = b.append(1, false, 2_000);
    Replica newer = leased(b, "b", 9);
    newer.ship(b.segment, first);
    assertThat(newer.fenced()).isNull();
    assertThat(store.objects).containsKey(BucketNames.log(ID, 3, 9));
    RemoteRestore.Objects db = RemoteRestore.databases(store).get(ID);
    assertThat(db.logs()).containsEntry(3L, BucketNames.log(ID, 3, 9));
    assertThat(db.stale()).containsExactly(BucketNames.log(ID, 3, 5));
    // The late writer stops at its next look at the claims.
    now.addAndGet(Replica.CLAIMS_EVERY.toNanos());
    long after = a.append(1, false, 1_000);
    assertThatThrownBy(() -> old.ship(a.segment, after))
        .hasMessageContaining("writer generation 9 claimed it");
    // A server that is not a lease holder (a standalone restart) is still fenced by the same tail.
    Local c = new Local(dir.resolve("c/history"));
    c.append(3, false, 1_000);
    long cEnd = c.append(1, false, 3_000);
    store.objects.remove(BucketNames.log(ID, 3, 9));
    assertThatThrownBy(() -> replica(c, "c", 12).ship(c.segment, cEnd))
        .hasMessageContaining("no longer shipped");
    assertThat(store.objects).doesNotContainKey(BucketNames.claim(ID, 12));
  }

  /** The hash of the last record of the history in {@code history} (one segment from seq 0). */
  static byte[] lastHashOf(Path history) throws Exception {
    try (FileChannel ch = FileChannel.open(history.resolve(SegmentLog.segName(0)))) {
      byte[] hash = null;
      long pos = 0;
      for (LocalSegments.Record r; (r = LocalSegments.read(ch, pos, ch.size(), false)) != null; ) {
        hash = r.hash();
        pos += r.bytes().length;
      }
      return hash;
    }
  }

  @Test
  void uploadsListTheClaimsOncePerPeriodNotEachTime() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    Replica r = replica(local, "a", GEN);
    long first = local.append(1, false, 1_000);
    r.ship(local.segment, first);
    long atStart = claimListings();
    for (int i = 0; i < 10; i++) {
      now.addAndGet(Replica.CLAIMS_EVERY.toNanos() / 20);
      r.ship(local.segment, local.append(1, false, 1_000));
    }
    assertThat(claimListings()).isEqualTo(atStart);
    now.addAndGet(Replica.CLAIMS_EVERY.toNanos() / 2);
    r.ship(local.segment, local.append(1, false, 1_000));
    assertThat(claimListings()).isEqualTo(atStart + 1);
    assertThat(logs()).hasSize(12);
  }

  @Test
  void theLagIsTheOldestUnshippedCommitsWaitNotTheLengthOfTheLoad() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    Replica r = replica(local, "a", GEN);
    long second = 1_000_000_000L;
    // A steady load: a commit every second for a minute, each shipped two commits later, so the
    // oldest unshipped one is always a second old (before, the lag grew with the load).
    java.util.ArrayDeque<Long> unshipped = new java.util.ArrayDeque<>();
    for (int t = 0; t < 60; t++) {
      now.set(t * second);
      long end = local.append(1, false, 1_000);
      r.note(local.segment, end);
      unshipped.add(end);
      if (unshipped.size() == 3) {
        r.ship(local.segment, unshipped.poll());
      }
      assertThat(r.lagNanos()).isEqualTo(t == 0 ? 0 : second);
    }
    assertThat(r.lagBytes()).isPositive();
    r.shipNoted();
    assertThat(r.lagNanos()).isZero();
    assertThat(r.lagBytes()).isZero();
  }

  @Test
  void aBucketWhoseCatalogIsInPostgresqlHoldsNoCopyByDesign() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    long end = local.append(2, false, 1_000);
    local.replica().ship(local.segment, end);
    assertThat(RemoteCheck.check(store).problems()).containsExactly("no catalog copy in memory");
    // A server with its catalog in PostgreSQL leaves the mark instead of copies.
    store.putIfAbsent(BucketNames.CATALOG_ELSEWHERE, new byte[] {1});
    RemoteCheck.Result r = RemoteCheck.check(store);
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes())
        .singleElement()
        .asString()
        .contains("by design", "PostgreSQL", "a standalone server (no --catalog) is refused");
    assertThat(r.records()).isEqualTo(2);
    assertThat(PrefixCatalog.read(store)).isEqualTo(new PrefixCatalog(false, true));
  }

  /**
   * doctor says which kind of server a start refuses on a prefix, as the start itself decides
   * ({@code PrefixGuard}): a standalone server's copies beside the mark are from before a move.
   */
  @Test
  void doctorSaysWhichKindOfServerThePrefixRefuses() throws Exception {
    store.putIfAbsent(BucketNames.catalog(1), new byte[] {1});
    assertThat(PrefixCatalog.read(store)).isEqualTo(new PrefixCatalog(true, false));
    RemoteCheck.Result standalone = RemoteCheck.check(store);
    assertThat(standalone.problems()).isEmpty();
    assertThat(standalone.notes())
        .singleElement()
        .asString()
        .contains("a standalone server's prefix", "--catalog", "refused", "import-catalog");
    store.putIfAbsent(BucketNames.CATALOG_ELSEWHERE, new byte[] {1});
    PrefixCatalog both = PrefixCatalog.read(store);
    assertThat(both.copiesFromBeforeACluster()).isTrue();
    RemoteCheck.Result moved = RemoteCheck.check(store);
    assertThat(moved.problems()).isEmpty();
    assertThat(moved.notes())
        .singleElement()
        .asString()
        .contains(
            "PostgreSQL", "from before it moved", "a standalone server (no --catalog) is refused");
  }

  @Test
  void aStaleServerRestartingUnderAHigherGenerationDoesNotStopTheLiveOne() throws Exception {
    Local live = new Local(dir.resolve("live/history"));
    long end = live.append(3, false, 1_000);
    Replicas.standalone(ID, store, live.history, dir.resolve("live/meta.json"), 5, counters)
        .ship(live.segment, end);
    // The other server's history stops at seq 1: not the bucket's. It restarts later (gen 12).
    Local stale = new Local(dir.resolve("stale/history"));
    long staleEnd = stale.append(2, false, 1_000);
    Replica restarted =
        Replicas.standalone(ID, store, stale.history, dir.resolve("stale/meta.json"), 12, counters);
    assertThatThrownBy(() -> restarted.ship(stale.segment, staleEnd))
        .hasMessageContaining("ship it to a new prefix");
    assertThat(store.objects).doesNotContainKey(BucketNames.claim(ID, 12));
    // The live server (restarted too, gen 7) goes on shipping.
    Replica again =
        Replicas.standalone(ID, store, live.history, dir.resolve("live/meta.json"), 7, counters);
    long more = live.append(1, false, 1_000);
    again.ship(live.segment, more);
    assertThat(store.objects).containsKey(BucketNames.log(ID, 3, 7));
  }

  @Test
  void recoveryLaysDownTheSameRecordsAsOfATime() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    local.append(4, false, 1_000);
    local.replica().shipAll();
    local.append(3, true, 1_000);
    local.replica().shipAll();
    Map<String, RemoteRestore.Objects> dbs = RemoteRestore.databases(store);
    RemoteRestore.Objects db = dbs.get(ID);
    Path all = dir.resolve("all/history");
    RemoteRestore.Result r =
        RemoteRestore.recover(store, db, all, OptionalLong.empty(), n -> {}).orElseThrow();
    assertThat(r.records()).isEqualTo(7);
    assertThat(r.lastSeq()).isEqualTo(6);
    Path partly = dir.resolve("partly/history");
    RemoteRestore.Result p =
        RemoteRestore.recover(store, db, partly, OptionalLong.of(1_000 + 4), n -> {}).orElseThrow();
    assertThat(p.lastSeq()).isEqualTo(4);
    assertThat(
            RemoteRestore.recover(
                store, db, dir.resolve("none/history"), OptionalLong.of(5), n -> {}))
        .isEmpty();
    // The recovered history opens as a history, and ends where asked.
    DatabaseHistory h =
        DatabaseHistory.open(ID, partly, dir.resolve("partly/db.sqlite"), Runnable::run);
    assertThat(h.lastSeq()).isEqualTo(4);
    h.close();
  }

  @Test
  void retentionHereDeletesTheSameHistoryThere() throws Exception {
    Local local = new Local(dir.resolve("a/history"));
    Replica r = local.replica();
    long end = local.append(4, false, 1_000);
    r.ship(local.segment, end);
    Files.write(local.history.resolve(SegmentLog.snapName(4)), new byte[4096]);
    end = local.append(3, true, 1_000);
    r.ship(local.segment, end);
    end = local.append(2, true, 1_000);
    r.ship(local.segment, end);
    assertThat(logs())
        .containsExactly(
            BucketNames.log(ID, 0, GEN), BucketNames.log(ID, 4, GEN), BucketNames.log(ID, 7, GEN));
    // Local retention keeps the snapshot at 4 as its base and drops what came before.
    Files.delete(local.history.resolve(SegmentLog.segName(0)));
    Files.delete(local.history.resolve(SegmentLog.snapName(0)));
    r.pruneRemote();
    assertThat(logs()).containsExactly(BucketNames.log(ID, 4, GEN), BucketNames.log(ID, 7, GEN));
    assertThat(store.objects)
        .doesNotContainKey(BucketNames.snapshot(ID, 0, GEN))
        .containsKey(BucketNames.snapshot(ID, 4, GEN));
  }

  @Test
  void aDeletedDatabaseLeavesTheBucketAfterTheWindowOnly() throws Exception {
    String old = "11111111-1111-1111-1111-111111111111";
    String recent = "22222222-2222-2222-2222-222222222222";
    long now = java.time.Instant.now().getEpochSecond() * 1_000_000;
    long day = 86_400_000_000L;
    // A delete whose own mark never reached the store (it failed midway): it never happened.
    String live = "33333333-3333-3333-3333-333333333333";
    for (String id : List.of(old, recent, live)) {
      store.objects.put(BucketNames.log(id, 0, GEN), new byte[1]);
      store.objects.put(BucketNames.snapshot(id, 0, GEN), new byte[1]);
    }
    store.objects.put(BucketNames.deletion(old, now - 31 * day), new byte[1]);
    store.objects.put(BucketNames.tombstone(old, now - 31 * day), new byte[1]);
    store.objects.put(BucketNames.deletion(recent, now - day), new byte[1]);
    store.objects.put(BucketNames.tombstone(recent, now - day), new byte[1]);
    store.objects.put(BucketNames.deletion(live, now - 32 * day), new byte[1]);
    Replication replication =
        new Replication(
            store,
            dir,
            Replication.Durability.ASYNC,
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofSeconds(30),
            java.time.Duration.ofDays(30),
            () -> {},
            id -> GEN,
            () -> {});
    try {
      replication.sweepDeleted();
    } finally {
      replication.close();
    }
    assertThat(store.objects.keySet())
        .noneMatch(n -> n.contains(old))
        .contains(BucketNames.log(recent, 0, GEN), BucketNames.deletion(recent, now - day))
        .contains(BucketNames.log(live, 0, GEN), BucketNames.snapshot(live, 0, GEN))
        .doesNotContain(BucketNames.deletion(live, now - 32 * day));
  }
}
