package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one chain a reader follows through the names of one database's objects, alone. */
class LogChainTest {

  static final String ID = ReplicaTest.ID;

  static String log(long seq, long gen) {
    return BucketNames.log(ID, seq, gen);
  }

  static String snap(long seq, long gen) {
    return BucketNames.snapshot(ID, seq, gen);
  }

  @Test
  void namesRoundTripAndSortInHistoryOrder() {
    BucketNames.LogName n = BucketNames.logName(log(0x1f, 0xabc));
    assertThat(n.first()).isEqualTo(0x1f);
    assertThat(n.generation()).isEqualTo(0xabc);
    assertThat(n.compacted()).isFalse();
    BucketNames.LogName c = BucketNames.logName(BucketNames.compacted(ID, 3, 9, 7));
    assertThat(c.last()).hasValue(9);
    assertThat(c.generation()).isEqualTo(7);
    // Generation 0 is the names of buckets written before generations.
    assertThat(log(5, 0)).endsWith("/log/0000000000000005.rec");
    assertThat(BucketNames.logName(ID + "/log/0000000000000005.rec").generation()).isZero();
    assertThat(BucketNames.snapshotName(snap(4, 9)).seq()).isEqualTo(4);
    assertThat(BucketNames.snapshotName(snap(4, 0)).generation()).isZero();
    assertThat(BucketNames.metaName("meta.json").timeMicros()).isZero();
    BucketNames.MetaName m = BucketNames.metaName(BucketNames.meta(ID, 77, 5));
    assertThat(m.timeMicros()).isEqualTo(77);
    assertThat(m.generation()).isEqualTo(5);
    assertThat(BucketNames.claimGeneration(BucketNames.claim(ID, 0x42))).hasValue(0x42);
    List<String> sorted =
        List.of(log(2, 9), log(1, 5), log(10, 1), log(1, 0)).stream().sorted().toList();
    // By seq first, whatever the generation (at one seq an old name sorts after the new ones).
    assertThat(sorted).isEqualTo(List.of(log(1, 5), log(1, 0), log(2, 9), log(10, 1)));
  }

  @Test
  void aRestartGoesOnUnderAHigherGenerationAfterTheOldNames() {
    LogChain c = LogChain.follow(List.of(log(0, 0), log(4, 0), snap(0, 0), log(7, 5), log(9, 8)));
    assertThat(c.logs()).containsOnlyKeys(0L, 4L, 7L, 9L);
    assertThat(c.snapshots()).containsOnlyKeys(0L);
    assertThat(c.stale()).isEmpty();
    assertThat(c.lastGeneration()).isEqualTo(8);
  }

  @Test
  void aSupersededWritersLateObjectsAreLeftOutAndReported() {
    // Generation 5 wrote 0..; 8 took over at seq 6; 5 went on at 6 and 9 before it noticed.
    LogChain c =
        LogChain.follow(
            List.of(
                log(0, 5),
                log(3, 5),
                log(6, 5),
                log(6, 8),
                log(9, 5),
                log(8, 8),
                snap(0, 5),
                snap(2, 5),
                snap(7, 5),
                snap(7, 8),
                snap(9, 5)));
    assertThat(c.logs())
        .containsExactly(
            java.util.Map.entry(0L, log(0, 5)),
            java.util.Map.entry(3L, log(3, 5)),
            java.util.Map.entry(6L, log(6, 8)),
            java.util.Map.entry(8L, log(8, 8)));
    // 5's snapshots before 8 took over are the chain's state; past it they are 5's own.
    assertThat(c.snapshots()).containsEntry(0L, snap(0, 5)).containsEntry(2L, snap(2, 5));
    assertThat(c.snapshots()).containsEntry(7L, snap(7, 8)).doesNotContainKey(9L);
    assertThat(c.stale()).containsExactlyInAnyOrder(log(6, 5), log(9, 5), snap(7, 5), snap(9, 5));
  }

  @Test
  void aSnapshotOfAWriterWithNoObjectInTheChainIsLeftOut() {
    LogChain c = LogChain.follow(List.of(log(0, 5), snap(0, 5), snap(1, 9)));
    assertThat(c.snapshots()).containsOnlyKeys(0L);
    assertThat(c.stale()).containsExactly(snap(1, 9));
  }

  @Test
  void smallObjectsAMergedOneCoversAreLeftOutSilently() {
    String merged = BucketNames.compacted(ID, 0, 9, 5);
    LogChain c = LogChain.follow(List.of(log(0, 5), log(4, 5), merged, log(10, 5), log(4, 3)));
    assertThat(c.logs()).containsOnlyKeys(0L, 10L).containsEntry(0L, merged);
    // 3's object under the merged range is another writer's: reported.
    assertThat(c.stale()).containsExactly(log(4, 3));
  }
}
