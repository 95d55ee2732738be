package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenEntries}: the open segment's entries in columns give back what was added, drop a
 * prefix and a suffix, find by time, refuse what they cannot hold, and take well under the bytes a
 * {@link LogEntry} each took.
 */
class OpenEntriesTest {

  private static final String SEGMENT = SegmentLog.segName(100);

  /** Record {@code seq} of segment 100, committed at {@code seq / 2 * 10} (times repeat). */
  private static LogEntry entry(long seq) {
    byte[] hash = Arrays.copyOf(Long.toString(seq * 31 + 7).getBytes(), 16);
    int type = seq % 7 == 0 ? HistoryRecord.IMAGE : HistoryRecord.PAGES;
    return new LogEntry(
        seq, seq / 2 * 10, type, (int) seq + 3, hash, SEGMENT, (seq - 100) * 50, 50);
  }

  private static OpenEntries filled(long from, long to, List<LogEntry> added) {
    OpenEntries store = new OpenEntries();
    for (long seq = from; seq <= to; seq++) {
      LogEntry e = entry(seq);
      store.add(e);
      added.add(e);
    }
    return store;
  }

  @Test
  void givesBackEveryEntryAdded() {
    List<LogEntry> added = new ArrayList<>();
    OpenEntries store = filled(100, 1099, added);
    assertThat(store.size()).isEqualTo(1000);
    assertThat(store.firstSeq()).isEqualTo(100);
    assertThat(store.lastSeq()).isEqualTo(1099);
    assertThat(store.isOf(SEGMENT)).isTrue();
    assertThat(store.isOf(SegmentLog.segName(0))).isFalse();
    for (int i = 0; i < added.size(); i++) {
      assertThat(store.get(i)).isEqualTo(added.get(i));
    }
    assertThat(store.view()).isEqualTo(added);
    assertThatThrownBy(() -> store.get(1000)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aLookupGetsItsOwnCopyOfTheHash() {
    OpenEntries store = filled(100, 101, new ArrayList<>());
    store.get(0).hash()[0] ^= 1;
    assertThat(store.get(0)).isEqualTo(entry(100));
  }

  @Test
  void theViewIsUnmodifiableAndFollowsTheStore() {
    OpenEntries store = filled(100, 109, new ArrayList<>());
    List<LogEntry> view = store.view();
    assertThatThrownBy(() -> view.add(entry(110)))
        .isInstanceOf(UnsupportedOperationException.class);
    store.add(entry(110));
    assertThat(view).hasSize(11);
    assertThat(view.getLast()).isEqualTo(entry(110));
    store.dropBefore(105);
    assertThat(view.getFirst()).isEqualTo(entry(105));
  }

  @Test
  void dropsAPrefixBySeqAndASuffixByOffset() {
    List<LogEntry> added = new ArrayList<>();
    OpenEntries store = filled(100, 399, added);
    store.dropBefore(50);
    assertThat(store.view()).isEqualTo(added);
    store.dropBefore(130);
    assertThat(store.view()).isEqualTo(added.subList(30, 300));
    // A dropped prefix as long as what is left is compacted away; the entries stay the same.
    store.dropBefore(260);
    assertThat(store.view()).isEqualTo(added.subList(160, 300));
    store.dropFrom(entry(350).offset() + 1);
    assertThat(store.view()).isEqualTo(added.subList(160, 251));
    store.dropFrom(entry(300).offset());
    assertThat(store.view()).isEqualTo(added.subList(160, 200));
    // The cut segment goes on from where it was cut.
    store.add(entry(300));
    assertThat(store.lastSeq()).isEqualTo(300);
    assertThat(store.get(store.size() - 1)).isEqualTo(entry(300));
    store.dropBefore(1000);
    assertThat(store.isEmpty()).isTrue();
    assertThat(store.isOf(SEGMENT)).isFalse();
    // Emptied, it takes any entry, of any segment.
    LogEntry other =
        new LogEntry(5000, 1, HistoryRecord.PAGES, 1, new byte[16], SegmentLog.segName(5000), 0, 9);
    store.add(other);
    assertThat(store.view()).containsExactly(other);
  }

  @Test
  void findsTheLastEntryAtOrBeforeAnInstant() {
    OpenEntries store = filled(100, 199, new ArrayList<>());
    assertThat(store.lastAtOrBefore(499)).isEqualTo(-1);
    assertThat(store.lastAtOrBefore(500)).isEqualTo(1);
    assertThat(store.lastAtOrBefore(505)).isEqualTo(1);
    assertThat(store.lastAtOrBefore(510)).isEqualTo(3);
    assertThat(store.lastAtOrBefore(Long.MAX_VALUE)).isEqualTo(99);
    store.dropBefore(150);
    assertThat(store.lastAtOrBefore(740)).isEqualTo(-1);
    assertThat(store.lastAtOrBefore(750)).isEqualTo(1);
    assertThat(new OpenEntries().lastAtOrBefore(Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void refusesAnEntryThatIsNotTheNextOfTheSegment() {
    OpenEntries store = filled(100, 104, new ArrayList<>());
    assertThatThrownBy(() -> store.add(entry(106)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contiguous");
    assertThatThrownBy(() -> store.add(entry(104)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contiguous");
    LogEntry elsewhere =
        new LogEntry(105, 500, HistoryRecord.PAGES, 1, new byte[16], SegmentLog.segName(105), 0, 9);
    assertThatThrownBy(() -> store.add(elsewhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not the open segment");
    LogEntry back = new LogEntry(105, 500, HistoryRecord.PAGES, 1, new byte[16], SEGMENT, 200, 9);
    assertThatThrownBy(() -> store.add(back))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not after");
    assertThat(store.lastSeq()).as("nothing refused was added").isEqualTo(104);
  }

  @Test
  void refusesAHashThatIsNotSixteenBytes() {
    for (int length : new int[] {0, 15, 17, 32}) {
      LogEntry e = new LogEntry(1, 1, HistoryRecord.PAGES, 1, new byte[length], SEGMENT, 0, 9);
      assertThatThrownBy(() -> new OpenEntries().add(e))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(length + "-byte hash");
    }
  }

  /**
   * The memory regression this store removed: at every size from 1,000 to 100,000 entries, its
   * arrays at their real capacity hold at most 80 bytes an entry (a {@code LogEntry}, its hash and
   * its list slot took about 92), and about 41 once they are filled.
   */
  @Test
  void holdsAtMostEightyBytesAnEntry() {
    OpenEntries store = new OpenEntries();
    long atFull = Long.MAX_VALUE;
    for (long seq = 100; seq < 100_100; seq++) {
      store.add(entry(seq));
      int n = store.size();
      if (n >= 1000) {
        assertThat(store.bytesHeld()).as("%s entries", n).isLessThanOrEqualTo(80L * n);
        atFull = Math.min(atFull, store.bytesHeld() / n);
      }
    }
    assertThat(atFull).isLessThanOrEqualTo(42);
  }
}
