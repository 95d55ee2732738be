package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BookmarkIndex#newestFirst}: the pages behind {@code time_travel/commits}. */
class BookmarkIndexTest {

  /** Records 10..19, committed at 100, 110, ..., 190 (two share 150: times never go back). */
  private static BookmarkIndex index() {
    BookmarkIndex index = new BookmarkIndex();
    long[] times = {100, 110, 120, 130, 140, 150, 150, 170, 180, 190};
    for (int i = 0; i < times.length; i++) {
      index.add(new LogEntry(10 + i, times[i], HistoryRecord.PAGES, 1, new byte[16], "s", i, 1));
    }
    return index;
  }

  private static List<Long> seqs(List<LogEntry> page) {
    return page.stream().map(LogEntry::seq).toList();
  }

  @Test
  void newestFirstUpToTheLimit() {
    assertThat(seqs(index().newestFirst(0, Long.MAX_VALUE, Long.MAX_VALUE, 3)))
        .containsExactly(19L, 18L, 17L);
  }

  @Test
  void theTimeRangeIsInclusiveAtBothEnds() {
    assertThat(seqs(index().newestFirst(120, 150, Long.MAX_VALUE, 100)))
        .containsExactly(16L, 15L, 14L, 13L, 12L);
    assertThat(seqs(index().newestFirst(0, 99, Long.MAX_VALUE, 100))).isEmpty();
    assertThat(seqs(index().newestFirst(191, Long.MAX_VALUE, Long.MAX_VALUE, 100))).isEmpty();
  }

  @Test
  void theCursorStartsBelowItsSeq() {
    assertThat(seqs(index().newestFirst(0, Long.MAX_VALUE, 13, 100)))
        .containsExactly(12L, 11L, 10L);
    assertThat(seqs(index().newestFirst(0, Long.MAX_VALUE, 10, 100))).isEmpty();
    assertThat(seqs(index().newestFirst(0, 150, 18, 2))).containsExactly(16L, 15L);
    assertThat(seqs(new BookmarkIndex().newestFirst(0, Long.MAX_VALUE, Long.MAX_VALUE, 5)))
        .isEmpty();
  }
}
