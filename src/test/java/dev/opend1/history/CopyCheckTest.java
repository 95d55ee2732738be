package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.history.CopyCheck.End;
import dev.opend1.history.CopyCheck.Verdict;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one decision a cluster node's take makes about its copy of a database: kept when it holds the
 * bucket's last record, rebuilt otherwise; pure, then read from real history files.
 */
class CopyCheckTest {

  private static final byte[] H5 = {5};
  private static final byte[] OTHER = {9};

  @Test
  void aCopyEndingWhereTheBucketEndsIsCurrent() {
    assertThat(CopyCheck.decide(new End(5, H5), new End(5, H5), H5)).isEqualTo(Verdict.CURRENT);
  }

  @Test
  void aCopyThatAnotherNodesWritesOvertookIsBehind() {
    assertThat(CopyCheck.decide(new End(8, OTHER), new End(5, H5), null)).isEqualTo(Verdict.BEHIND);
  }

  @Test
  void aCopyWithUnshippedRecordsAfterTheBucketsEndIsAheadAndKept() {
    Verdict v = CopyCheck.decide(new End(5, H5), new End(7, OTHER), H5);
    assertThat(v).isEqualTo(Verdict.AHEAD);
    assertThat(v.keeps()).isTrue();
  }

  @Test
  void aCopyWhoseRecordAtTheBucketsEndDiffersIsRebuilt() {
    assertThat(CopyCheck.decide(new End(5, H5), new End(5, OTHER), OTHER))
        .isEqualTo(Verdict.DIVERGED);
    assertThat(CopyCheck.decide(new End(5, H5), new End(9, OTHER), OTHER))
        .isEqualTo(Verdict.DIVERGED);
    assertThat(CopyCheck.decide(new End(5, H5), null, null)).isEqualTo(Verdict.DIVERGED);
    assertThat(Verdict.DIVERGED.keeps()).isFalse();
    assertThat(Verdict.BEHIND.keeps()).isFalse();
  }

  @Test
  void aBucketWithNoRecordLeavesTheCopyAsItIs() {
    assertThat(CopyCheck.decide(null, new End(3, H5), null)).isEqualTo(Verdict.BUCKET_EMPTY);
    assertThat(Verdict.BUCKET_EMPTY.keeps()).isTrue();
  }

  @Test
  void readsBothEndsFromTheBucketAndTheLocalHistory(@TempDir Path dir) throws Exception {
    ReplicaTest t = new ReplicaTest();
    t.dir = dir;
    ReplicaTest.Local a = t.new Local(dir.resolve("a/history"));
    long end = a.append(3, false, 1_000);
    t.leased(a, "a", 5).ship(a.segment, end);
    assertThat(CopyCheck.check(t.store, ReplicaTest.ID, a.history)).isEqualTo(Verdict.CURRENT);

    // Another node's copy, laid down at seq 2, then node a writes two more records.
    Path b = dir.resolve("b/history");
    RemoteRestore.recover(
            t.store,
            RemoteRestore.databases(t.store).get(ReplicaTest.ID),
            b,
            OptionalLong.empty(),
            n -> {})
        .orElseThrow();
    end = a.append(2, false, 1_000);
    t.leased(a, "a", 5).ship(a.segment, end);
    assertThat(CopyCheck.check(t.store, ReplicaTest.ID, b)).isEqualTo(Verdict.BEHIND);
    assertThat(CopyCheck.check(t.store, ReplicaTest.ID, dir.resolve("none/history")))
        .isEqualTo(Verdict.DIVERGED);
    assertThat(CopyCheck.check(new MemoryObjectStore(), ReplicaTest.ID, b))
        .isEqualTo(Verdict.BUCKET_EMPTY);
  }
}
