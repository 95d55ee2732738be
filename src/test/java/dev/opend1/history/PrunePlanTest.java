package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PrunePlanTest {

  /**
   * Seqs 0..9, one per second, in segments of four ({@code seg-0} holds 0-3, {@code seg-4} 4-7,
   * {@code seg-8} 8-9).
   */
  private static BookmarkIndex index() {
    MemorySealedEntries segments = new MemorySealedEntries();
    for (int seq = 0; seq < 10; seq++) {
      String segment = SegmentLog.segName(seq / 4 * 4);
      segments.add(
          new LogEntry(
              seq, seq * 1_000_000L, HistoryRecord.PAGES, 1, new byte[16], segment, seq % 4, 1));
    }
    return segments.index;
  }

  @Test
  void theNewestSnapshotAtOrBeforeTheCutoffIsKeptWithEverythingAfterIt() {
    TreeSet<Long> snaps = new TreeSet<>(List.of(0L, 5L, 9L));
    PrunePlan plan = PrunePlan.of(6_000_000, snaps, index()).orElseThrow();
    assertThat(plan.base()).isEqualTo(5);
    assertThat(plan.segments())
        .as("seg-4 holds the base: it stays, though it starts before it")
        .containsExactly(SegmentLog.segName(0));
    assertThat(plan.snapshots()).containsExactly(0L);
  }

  @Test
  void nothingIsPrunedWithoutASnapshotOldEnoughToBuildTheWindowFrom() {
    assertThat(PrunePlan.of(4_000_000, new TreeSet<>(List.of(5L, 9L)), index())).isEmpty();
    assertThat(PrunePlan.of(-1, new TreeSet<>(List.of(0L)), index())).isEmpty();
  }

  @Test
  void aCutoffPastTheNewestStateKeepsTheNewestSnapshotAndItsSegment() {
    TreeSet<Long> snaps = new TreeSet<>(List.of(0L, 4L, 9L));
    PrunePlan plan = PrunePlan.of(Long.MAX_VALUE, snaps, index()).orElseThrow();
    assertThat(plan.base()).isEqualTo(9);
    assertThat(plan.segments()).containsExactly(SegmentLog.segName(0), SegmentLog.segName(4));
    assertThat(plan.snapshots()).containsExactly(0L, 4L);
  }

  @Test
  void aHistoryPrunedBeforePlansFromWhatItStillHolds() {
    BookmarkIndex index = index();
    index.dropBefore(2); // seg-0 now holds 2-3 of the history
    TreeSet<Long> snaps = new TreeSet<>(List.of(2L, 5L, 9L));
    PrunePlan plan = PrunePlan.of(6_000_000, snaps, index).orElseThrow();
    assertThat(plan.base()).isEqualTo(5);
    assertThat(plan.segments()).containsExactly(SegmentLog.segName(0));
    assertThat(plan.snapshots()).containsExactly(2L);
    assertThat(PrunePlan.of(1_000_000, snaps, index))
        .as("the cutoff is before the first record still kept")
        .isEmpty();
  }

  @Test
  void anOpenStartsTheHistoryAtItsOldestSnapshotThatBuildsEveryLaterRecord() {
    PrunePlan whole = PrunePlan.done(new TreeSet<>(List.of(0L, 5L)), index()).orElseThrow();
    assertThat(whole.base()).as("nothing pruned yet").isZero();
    assertThat(whole.segments()).isEmpty();
    assertThat(whole.snapshots()).isEmpty();

    PrunePlan pruned = PrunePlan.done(new TreeSet<>(List.of(5L, 9L)), index()).orElseThrow();
    assertThat(pruned.base())
        .as("a prune removed the snapshot before 5; seg-0 was left by a crash")
        .isEqualTo(5);
    assertThat(pruned.segments()).containsExactly(SegmentLog.segName(0));
    assertThat(pruned.snapshots()).isEmpty();

    BookmarkIndex cut = index();
    cut.dropBefore(4); // seg-0 deleted, its snapshot at 1 not (a crash between the two)
    PrunePlan crashed = PrunePlan.done(new TreeSet<>(List.of(1L, 3L, 5L)), cut).orElseThrow();
    assertThat(crashed.base())
        .as("the snapshot at 1 misses the records 2 and 3; the one at 3 is followed by all")
        .isEqualTo(3);
    assertThat(crashed.snapshots()).containsExactly(1L);

    assertThat(PrunePlan.done(new TreeSet<>(), index())).as("no snapshot").isEmpty();
    assertThat(PrunePlan.done(new TreeSet<>(List.of(0L)), new MemorySealedEntries().index))
        .as("no record")
        .isEmpty();
  }
}
