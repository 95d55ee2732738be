package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.Bookmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BookmarkIndex}: the pages behind {@code time_travel/commits}, and every answer over a
 * history of many sealed segments the same as a list of every entry would give, with only the open
 * segment's entries held.
 */
class BookmarkIndexTest {

  /** Records 10..19, committed at 100, 110, ..., 190 (two share 150: times never go back). */
  private static BookmarkIndex index() {
    MemorySealedEntries segments = new MemorySealedEntries();
    long[] times = {100, 110, 120, 130, 140, 150, 150, 170, 180, 190};
    for (int i = 0; i < times.length; i++) {
      segments.add(
          new LogEntry(
              10 + i,
              times[i],
              HistoryRecord.PAGES,
              1,
              new byte[16],
              SegmentLog.segName(10),
              i,
              1));
    }
    return segments.index;
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
    assertThat(
            seqs(new MemorySealedEntries().index.newestFirst(0, Long.MAX_VALUE, Long.MAX_VALUE, 5)))
        .isEmpty();
  }

  /**
   * 100,000 records in 100 segments: the index holds the open segment's 1,000 entries and a summary
   * of each sealed one, and a lookup of an old record reads the one segment that holds it.
   */
  @Test
  void onlyTheOpenSegmentsEntriesAreHeld() {
    MemorySealedEntries segments = new MemorySealedEntries();
    for (int seq = 0; seq < 100_000; seq++) {
      segments.add(entry(seq, seq * 10L, SegmentLog.segName(seq / 1000 * 1000), seq % 1000));
      assertThat(segments.index.held()).isLessThanOrEqualTo(1000);
    }
    assertThat(segments.index.held()).isEqualTo(1000);
    assertThat(segments.index.sealedSegments()).isEqualTo(99);
    assertThat(segments.index.size()).isEqualTo(100_000);
    assertThat(segments.reads).as("appending reads nothing back").isZero();
    assertThat(segments.index.find(12_345).seq()).isEqualTo(12_345);
    assertThat(segments.index.at(54_321 * 10L + 5).orElseThrow().seq()).isEqualTo(54_321);
    assertThat(segments.reads).isEqualTo(2);
    assertThat(segments.index.find(99_999).seq()).isEqualTo(99_999);
    assertThat(segments.index.check(segments.index.last().bookmark()))
        .isEqualTo(BookmarkIndex.Check.VALID);
    assertThat(segments.reads).as("the open segment is in memory").isEqualTo(2);
  }

  /**
   * Random histories (segments of 1 to 40 records, times that repeat, also across segments), pruned
   * and cut as the history does: every seq, instant, bookmark and page of commits answers as a list
   * of every entry answers.
   */
  @Test
  void everyAnswerOverManySegmentsIsTheListsAnswer() {
    Random random = new Random(17);
    for (int round = 0; round < 30; round++) {
      MemorySealedEntries segments = new MemorySealedEntries();
      List<LogEntry> all = new ArrayList<>();
      long time = 1000;
      long seq = random.nextInt(5);
      int segmentCount = 1 + random.nextInt(12);
      for (int s = 0; s < segmentCount; s++) {
        String name = SegmentLog.segName(seq);
        int records = 1 + random.nextInt(40);
        for (int i = 0; i < records; i++) {
          time += random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(20);
          LogEntry e = entry(seq++, time, name, i * 10L);
          segments.add(e);
          all.add(e);
        }
      }
      assertSameAnswers(segments.index, all, random);
      if (random.nextBoolean()) {
        long keepFrom = all.get(random.nextInt(all.size())).seq();
        segments.index.dropBefore(keepFrom);
        all.removeIf(e -> e.seq() < keepFrom);
      } else {
        // Only the open segment is ever cut.
        List<LogEntry> open =
            all.stream().filter(e -> e.segment().equals(all.getLast().segment())).toList();
        LogEntry cut = open.get(random.nextInt(open.size()));
        segments.index.dropFrom(cut.segment(), cut.offset());
        all.removeIf(e -> e.segment().equals(cut.segment()) && e.offset() >= cut.offset());
      }
      assertSameAnswers(segments.index, all, random);
    }
  }

  /**
   * A long random run of what the history does to its index: appends, seals (the next record in a
   * new segment; segments of 1 to 40 records and of 300 to 1,000), retention (forgetting the
   * records before a kept one) and cuts of the open segment after a failed write, each step
   * followed by lookups of every kind. Every answer, and the entries held, is that of a list of
   * every entry still kept; every 500 steps, every seq, instant and bookmark is asked.
   */
  @Test
  void aLongRandomRunAnswersAsAListOfEveryEntry() {
    Random random = new Random(1717);
    MemorySealedEntries segments = new MemorySealedEntries();
    BookmarkIndex index = segments.index;
    List<LogEntry> all = new ArrayList<>();
    long seq = 3;
    long time = 1000;
    String segment = SegmentLog.segName(seq);
    long offset = 0;
    int segmentLength = 10;
    int inSegment = 0;
    for (int step = 1; step <= 20_000; step++) {
      int op = random.nextInt(1000);
      List<LogEntry> open = inSegment(all, segment);
      if (op < 3 && !all.isEmpty()) {
        long keepFrom = all.get(random.nextInt(all.size())).seq();
        index.dropBefore(keepFrom);
        all.removeIf(e -> e.seq() < keepFrom);
      } else if (op < 13 && !open.isEmpty()) {
        // Cut back at one of the open segment's records or at its end: the log goes on from there.
        LogEntry at = open.get(random.nextInt(open.size()));
        boolean after = random.nextBoolean();
        long cut = after ? at.offset() + at.length() : at.offset();
        segments.cut(segment, cut);
        all.removeIf(e -> e.segment().equals(at.segment()) && e.offset() >= cut);
        seq = after ? at.seq() + 1 : at.seq();
        offset = cut;
      } else {
        if (inSegment >= segmentLength) {
          segment = SegmentLog.segName(seq);
          offset = 0;
          inSegment = 0;
          segmentLength =
              random.nextInt(4) == 0 ? 300 + random.nextInt(700) : 1 + random.nextInt(40);
        }
        time += random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(20);
        LogEntry e = entry(seq++, time, segment, offset);
        offset += e.length();
        inSegment++;
        segments.add(e);
        all.add(e);
      }
      String openSegment = segment;
      assertThat(index.held()).isEqualTo(inSegment(all, openSegment).size());
      assertThat(index.sealedSegments())
          .isEqualTo(
              all.stream()
                  .map(LogEntry::segment)
                  .filter(s -> !s.equals(openSegment))
                  .distinct()
                  .count());
      if (step % 500 == 0) {
        assertSameAnswers(index, all, random);
      } else {
        assertSomeAnswers(index, all, random);
      }
    }
  }

  private static List<LogEntry> inSegment(List<LogEntry> all, String segment) {
    return all.stream().filter(e -> e.segment().equals(segment)).toList();
  }

  /** A few lookups of each kind at random points, answered as the list of every entry answers. */
  private static void assertSomeAnswers(BookmarkIndex index, List<LogEntry> all, Random random) {
    if (!sameEnds(index, all)) {
      return;
    }
    Reference ref = new Reference(all);
    long firstSeq = all.getFirst().seq();
    long firstTime = all.getFirst().timeMicros();
    long span = all.getLast().timeMicros() - firstTime + 5;
    for (int i = 0; i < 3; i++) {
      long s = firstSeq - 2 + random.nextInt(all.size() + 4);
      assertThat(index.find(s)).as("seq %s", s).isEqualTo(ref.find(s));
      byte[] hash = ref.find(s) == null ? new byte[16] : ref.find(s).hash();
      Bookmark b = new Bookmark(Math.max(0, s), random.nextBoolean() ? hash : new byte[16]);
      assertThat(index.check(b)).as("bookmark %s", b).isEqualTo(ref.check(b));
      long t = firstTime - 2 + (long) (random.nextDouble() * span);
      assertThat(index.at(t)).as("time %s", t).isEqualTo(ref.at(t));
      long from = firstTime - 2 + (long) (random.nextDouble() * span);
      long to = from + random.nextInt(400);
      long before = random.nextInt(4) == 0 ? Long.MAX_VALUE : firstSeq + random.nextInt(all.size());
      int limit = 1 + random.nextInt(60);
      assertSamePage(index, ref, from, to, before, limit);
      long fromSeq = firstSeq - 1 + random.nextInt(all.size() + 2);
      long toSeq = fromSeq + random.nextInt(80);
      assertThat(index.entries(fromSeq, toSeq))
          .isEqualTo(all.stream().filter(e -> e.seq() >= fromSeq && e.seq() <= toSeq).toList());
    }
  }

  /** Whether the index holds as many entries as the list and the same first and last; not empty. */
  private static boolean sameEnds(BookmarkIndex index, List<LogEntry> all) {
    assertThat(index.size()).isEqualTo(all.size());
    assertThat(index.isEmpty()).isEqualTo(all.isEmpty());
    if (all.isEmpty()) {
      return false;
    }
    assertThat(index.first()).isEqualTo(all.getFirst());
    assertThat(index.last()).isEqualTo(all.getLast());
    return true;
  }

  private static void assertSamePage(
      BookmarkIndex index, Reference ref, long from, long to, long before, int limit) {
    assertThat(seqs(index.newestFirst(from, to, before, limit)))
        .as("from %s to %s before %s limit %s", from, to, before, limit)
        .isEqualTo(seqs(ref.newestFirst(from, to, before, limit)));
  }

  private static void assertSameAnswers(BookmarkIndex index, List<LogEntry> all, Random random) {
    if (!sameEnds(index, all)) {
      return;
    }
    Reference ref = new Reference(all);
    long firstSeq = all.getFirst().seq();
    long lastSeq = all.getLast().seq();
    assertThat(index.entries(firstSeq - 1, lastSeq + 1)).isEqualTo(all);
    for (long s = Math.max(0, firstSeq - 2); s <= lastSeq + 2; s++) {
      assertThat(index.find(s)).as("seq %s", s).isEqualTo(ref.find(s));
      byte[] hash = ref.find(s) == null ? new byte[16] : ref.find(s).hash();
      for (Bookmark b : List.of(new Bookmark(s, hash), new Bookmark(s, new byte[16]))) {
        assertThat(index.check(b)).as("bookmark %s", b).isEqualTo(ref.check(b));
      }
    }
    for (long t = all.getFirst().timeMicros() - 2; t <= all.getLast().timeMicros() + 2; t++) {
      assertThat(index.at(t)).as("time %s", t).isEqualTo(ref.at(t));
    }
    for (int i = 0; i < 200; i++) {
      long from = all.get(random.nextInt(all.size())).timeMicros() + random.nextInt(3) - 1;
      long to = from + random.nextInt(400);
      long before = random.nextInt(4) == 0 ? Long.MAX_VALUE : firstSeq + random.nextInt(all.size());
      int limit = 1 + random.nextInt(60);
      assertSamePage(index, ref, from, to, before, limit);
    }
    List<String> names = all.stream().map(LogEntry::segment).distinct().toList();
    for (LogEntry e : all) {
      assertThat(index.segmentsBefore(e.seq()))
          .isEqualTo(names.subList(0, names.indexOf(e.segment())));
    }
  }

  private static LogEntry entry(long seq, long time, String segment, long offset) {
    byte[] hash = Arrays.copyOf(Long.toString(seq * 31 + 7).getBytes(), 16);
    return new LogEntry(seq, time, HistoryRecord.PAGES, 1, hash, segment, offset, 10);
  }

  /** Every entry in a list, answered by a scan: what the index answered when it held them all. */
  private record Reference(List<LogEntry> all) {

    LogEntry find(long seq) {
      return all.stream().filter(e -> e.seq() == seq).findFirst().orElse(null);
    }

    Optional<Bookmark> at(long t) {
      return all.stream()
          .filter(e -> e.timeMicros() <= t)
          .reduce((a, b) -> b)
          .map(LogEntry::bookmark);
    }

    List<LogEntry> newestFirst(long from, long to, long before, int limit) {
      List<LogEntry> page = new ArrayList<>();
      for (LogEntry e : all.reversed()) {
        if (e.seq() >= before || e.timeMicros() > to) {
          continue;
        }
        if (e.timeMicros() < from || page.size() >= limit) {
          break;
        }
        page.add(e);
      }
      return page;
    }

    BookmarkIndex.Check check(Bookmark b) {
      if (all.isEmpty() || b.seq() > all.getLast().seq()) {
        return BookmarkIndex.Check.AHEAD;
      }
      if (b.seq() < all.getFirst().seq()) {
        return BookmarkIndex.Check.EXPIRED;
      }
      LogEntry e = find(b.seq());
      return e != null && Arrays.equals(e.hash(), b.hash())
          ? BookmarkIndex.Check.VALID
          : BookmarkIndex.Check.FOREIGN;
    }
  }
}
