package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small log objects merged into one: fewer objects, and recovery (whole and as of a time), the
 * bucket's check and a restarted replica read the same history as before, also when the small
 * objects are still there beside the merged one (a crash between the write and the deletes).
 */
class CompactionTest {

  static final String ID = ReplicaTest.ID;
  static final long GEN = ReplicaTest.GEN;

  @TempDir Path dir;

  @Test
  void aCompactedObjectStandsForTheSmallOnesInAnyListingOrder() {
    String merged = BucketNames.compacted(ID, 3, 9, GEN);
    assertThat(BucketNames.compactedLast(merged)).hasValue(9);
    assertThat(BucketNames.compactedLast(BucketNames.log(ID, 3, GEN))).isEmpty();
    String rel = merged.substring(BucketNames.database(ID).length());
    assertThat(BucketNames.logName(rel).first()).isEqualTo(3);
    TreeMap<Long, String> smallFirst = new TreeMap<>();
    TreeMap<Long, String> mergedFirst = new TreeMap<>();
    List<Long> smalls = List.of(0L, 3L, 5L, 9L, 10L);
    for (long s : smalls) {
      BucketNames.addLog(smallFirst, s, BucketNames.log(ID, s, GEN));
    }
    BucketNames.addLog(smallFirst, 3, merged);
    BucketNames.addLog(mergedFirst, 3, merged);
    for (long s : smalls) {
      BucketNames.addLog(mergedFirst, s, BucketNames.log(ID, s, GEN));
    }
    assertThat(smallFirst)
        .isEqualTo(mergedFirst)
        .containsOnlyKeys(0L, 3L, 10L)
        .containsEntry(3L, merged);
  }

  /** A history of {@code rounds} upload rounds of 2 records each: one small object per round. */
  ReplicaTest.Local shipped(MemoryObjectStore store, int rounds) throws Exception {
    ReplicaTest t = new ReplicaTest();
    t.dir = dir;
    ReplicaTest.Local local = t.new Local(dir.resolve("a/history"));
    Replica r =
        Replicas.standalone(ID, store, local.history, dir.resolve("a/meta.json"), GEN, t.counters);
    for (int i = 0; i < rounds; i++) {
      long end = local.append(2, false, 1_000);
      r.ship(local.segment, end);
    }
    return local;
  }

  static long logObjects(MemoryObjectStore store) {
    return store.objects.keySet().stream().filter(n -> n.contains("/log/")).count();
  }

  @Test
  void aPassMergesTheOldestSmallObjectsAndTheHistoryReadsTheSame() throws Exception {
    ReplicaTest t = new ReplicaTest();
    MemoryObjectStore store = t.store;
    int rounds = Compaction.RUN + 6;
    ReplicaTest.Local local = shipped(store, rounds);
    assertThat(logObjects(store)).isEqualTo(rounds);
    Path before = dir.resolve("before/history");
    RemoteRestore.Objects db = RemoteRestore.databases(store).get(ID);
    RemoteRestore.recover(store, db, before, OptionalLong.empty(), n -> {});
    Replica restarted =
        Replicas.standalone(ID, store, local.history, dir.resolve("a/meta.json"), GEN, t.counters);
    restarted.shipAll();
    java.util.Map<String, byte[]> smalls = new java.util.HashMap<>(store.objects);
    assertThat(Compaction.pass(restarted, store)).isEqualTo(Compaction.RUN);
    assertThat(logObjects(store)).isEqualTo(rounds - Compaction.RUN + 1);
    assertThat(store.objects)
        .containsKey(BucketNames.compacted(ID, 0, 2L * Compaction.RUN - 1, GEN));
    assertSameHistory(store, before);
    // A crash after the merged object was stored, before the small ones went: reads the same.
    MemoryObjectStore crashed = new MemoryObjectStore();
    crashed.objects.putAll(smalls);
    crashed.objects.putAll(store.objects);
    assertSameHistory(crashed, before);
    assertThat(LogChain.follow(crashed.objects.keySet()).covered()).hasSize(Compaction.RUN);
    // A server starting on it deletes the leftovers (they were merged), and reads the same.
    Replicas.standalone(ID, crashed, local.history, dir.resolve("a/meta.json"), GEN, t.counters)
        .shipAll();
    assertThat(crashed.objects.keySet()).isEqualTo(store.objects.keySet());
    assertSameHistory(crashed, before);
    // Too few small objects left for another pass.
    assertThat(Compaction.pass(restarted, store)).isZero();
    assertSameHistory(store, before);
    // As of a time inside the merged object too.
    RemoteRestore.Objects merged = RemoteRestore.databases(store).get(ID);
    RemoteRestore.Result partly =
        RemoteRestore.recover(
                store, merged, dir.resolve("partly/history"), OptionalLong.of(1_000 + 9), n -> {})
            .orElseThrow();
    assertThat(partly.lastSeq()).isEqualTo(9);
    // A restart reads where the bucket ends, and goes on shipping.
    Replica again =
        Replicas.standalone(ID, store, local.history, dir.resolve("a/meta.json"), GEN, t.counters);
    long end = local.append(2, false, 1_000);
    again.ship(local.segment, end);
    assertThat(RemoteRestore.databases(store).get(ID).logs().lastKey()).isEqualTo(2L * rounds);
    assertThat(RemoteCheck.check(store).problems()).containsExactly("no catalog copy in memory");
  }

  void assertSameHistory(MemoryObjectStore store, Path expected) throws Exception {
    assertThat(RemoteCheck.check(store).problems()).containsExactly("no catalog copy in memory");
    Path again = dir.resolve("again-" + System.nanoTime() + "/history");
    RemoteRestore.Objects db = RemoteRestore.databases(store).get(ID);
    RemoteRestore.recover(store, db, again, OptionalLong.empty(), n -> {});
    String segment = SegmentLog.segName(0);
    assertThat(Files.readAllBytes(again.resolve(segment)))
        .isEqualTo(Files.readAllBytes(expected.resolve(segment)));
  }
}
