package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The records of a history in order: finds a seq's record, the last record at or before an instant,
 * a page of commits newest first, and how a bookmark relates to the history. Records are contiguous
 * (each seq follows the previous one), so a seq is found by its distance from a segment's first.
 *
 * <p>Bounded in memory whatever the history's length: only the newest segment's records are held,
 * in columns ({@link OpenEntries}: about 41 bytes a record, a {@link LogEntry} made again on each
 * lookup); a sealed segment is a {@link SealedSegment} of six longs, and a lookup that lands in one
 * reads its entries back ({@link SealedEntries}: its {@link SegmentIndex} file, written at the
 * seal). Sealed segments are found by a binary search over their first seqs or first commit times
 * (times never go backwards), so a lookup reads at most the one segment it needs (a page of
 * commits, the segments it spans). Not thread-safe: {@link DatabaseHistory} guards it with its
 * lock.
 */
final class BookmarkIndex {

  /** How a bookmark relates to this history. */
  enum Check {
    VALID,
    FOREIGN,
    EXPIRED,
    AHEAD
  }

  /** Reads every entry of a sealed segment, oldest first ({@link SegmentLog#entriesOf}). */
  interface SealedEntries {
    List<LogEntry> read(SealedSegment segment) throws IOException;
  }

  private final SealedEntries sealedEntries;

  /** The sealed segments still in the history, oldest first. */
  private final List<SealedSegment> sealed = new ArrayList<>();

  /** The newest segment's entries, oldest first: the only entries held. */
  private OpenEntries open = new OpenEntries();

  BookmarkIndex(SealedEntries sealedEntries) {
    this.sealedEntries = sealedEntries;
  }

  /**
   * Adds the entry of the next record. One in a segment other than the newest one's seals that
   * segment: its entries leave memory, and a lookup reads them back.
   */
  void add(LogEntry e) {
    if (!open.isEmpty() && !open.isOf(e.segment())) {
      sealed.add(SealedSegment.of(open.view()));
      open = new OpenEntries();
    }
    open.add(e);
  }

  /** Adds a sealed segment that follows those added so far (an open, before any entry). */
  void addSealed(SealedSegment s) {
    if (!open.isEmpty()) {
      throw new IllegalStateException("a sealed segment after the open one's entries");
    }
    sealed.add(s);
  }

  boolean isEmpty() {
    return sealed.isEmpty() && open.isEmpty();
  }

  /** Records in the history. */
  long size() {
    return isEmpty() ? 0 : lastSeq() - firstSeq() + 1;
  }

  /** Entries held in memory: the newest segment's (what {@link #add} added since it began). */
  int held() {
    return open.size();
  }

  /** Sealed segments in the history, each held as a {@link SealedSegment}. */
  int sealedSegments() {
    return sealed.size();
  }

  /** The oldest entry still kept. */
  LogEntry first() {
    return find(firstSeq());
  }

  /** The newest entry. */
  LogEntry last() {
    return find(lastSeq());
  }

  /** The oldest seq still kept, or -1 when empty. */
  long firstSeq() {
    if (!sealed.isEmpty()) {
      return sealed.getFirst().firstSeq();
    }
    return open.isEmpty() ? -1 : open.firstSeq();
  }

  /** The newest seq, or -1 when empty. */
  long lastSeq() {
    if (!open.isEmpty()) {
      return open.lastSeq();
    }
    return sealed.isEmpty() ? -1 : sealed.getLast().lastSeq();
  }

  /** The entry of a seq, or null when it is not (or no longer) in the history. */
  LogEntry find(long seq) {
    if (!open.isEmpty() && seq >= open.firstSeq()) {
      long i = seq - open.firstSeq();
      return i < open.size() ? open.get((int) i) : null;
    }
    int s = sealedHolding(seq);
    if (s < 0) {
      return null;
    }
    List<LogEntry> entries = read(sealed.get(s));
    return entries.get((int) (seq - entries.getFirst().seq()));
  }

  /** The bookmark of the last record at or before the instant, or empty when before the first. */
  Optional<Bookmark> at(long timeMicros) {
    int i = open.lastAtOrBefore(timeMicros);
    if (i >= 0) {
      return Optional.of(open.get(i).bookmark());
    }
    int s = lastSealedFrom(timeMicros);
    if (s < 0) {
      return Optional.empty();
    }
    List<LogEntry> entries = read(sealed.get(s));
    return Optional.of(entries.get(lastAtOrBefore(entries, timeMicros)).bookmark());
  }

  /**
   * Up to {@code limit} entries committed from {@code fromMicros} to {@code toMicros} (inclusive)
   * with a seq below {@code beforeSeq}, newest first. Commit times never go backwards, so the
   * newest one is found by a binary search and the walk stops at the first entry before the range;
   * a sealed segment wholly after the range or the cursor is passed over unread.
   */
  List<LogEntry> newestFirst(long fromMicros, long toMicros, long beforeSeq, int limit) {
    List<LogEntry> page = new ArrayList<>();
    boolean more =
        collect(open.view(), open.lastAtOrBefore(toMicros), fromMicros, beforeSeq, limit, page);
    for (int s = sealed.size() - 1; more && s >= 0; s--) {
      SealedSegment seg = sealed.get(s);
      if (seg.lastTime() < fromMicros || page.size() >= limit) {
        break;
      }
      if (seg.firstSeq() < beforeSeq && seg.firstTime() <= toMicros) {
        List<LogEntry> entries = read(seg);
        more =
            collect(entries, lastAtOrBefore(entries, toMicros), fromMicros, beforeSeq, limit, page);
      }
    }
    return page;
  }

  /**
   * Adds one segment's entries in the range to {@code page}, newest first, from {@code newest} (its
   * last entry at or before the range's end); false once the walk is over (the page is full, or an
   * entry before the range was reached).
   */
  private static boolean collect(
      List<LogEntry> entries,
      int newest,
      long fromMicros,
      long beforeSeq,
      int limit,
      List<LogEntry> page) {
    if (entries.isEmpty()) {
      return true;
    }
    long belowCursor = Math.min(beforeSeq - 1 - entries.getFirst().seq(), entries.size() - 1L);
    int i = (int) Math.min(newest, belowCursor);
    for (; i >= 0; i--) {
      LogEntry e = entries.get(i);
      if (page.size() >= limit || e.timeMicros() < fromMicros) {
        return false;
      }
      page.add(e);
    }
    return true;
  }

  /** The index of the last entry at or before the instant, or -1. */
  private static int lastAtOrBefore(List<LogEntry> entries, long timeMicros) {
    return OpenEntries.lastAtOrBefore(entries.size(), i -> entries.get(i).timeMicros(), timeMicros);
  }

  /** The sealed segment holding {@code seq}, or -1. */
  private int sealedHolding(long seq) {
    int lo = 0;
    int hi = sealed.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      SealedSegment s = sealed.get(mid);
      if (seq < s.firstSeq()) {
        hi = mid - 1;
      } else if (seq > s.lastSeq()) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The last sealed segment whose first record is at or before the instant, or -1. */
  private int lastSealedFrom(long timeMicros) {
    int lo = 0;
    int hi = sealed.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (sealed.get(mid).firstTime() <= timeMicros) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * A sealed segment's entries still in the history, read back. Failing to read them means the
   * history on disk changed under the server (its segment damaged or gone), which no caller can
   * answer but with an error.
   */
  private List<LogEntry> read(SealedSegment s) {
    List<LogEntry> all;
    try {
      all = sealedEntries.read(s);
    } catch (IOException e) {
      // A damaged record its scan found answers as such (HistoryDamage); else the server's error.
      throw D1Exception.HistoryDamaged.orElse(
          e, () -> new UncheckedIOException("history segment " + s.name() + " cannot be read", e));
    }
    if (all.isEmpty()
        || all.getFirst().seq() > s.firstSeq()
        || all.getLast().seq() != s.lastSeq()) {
      throw new UncheckedIOException(
          new IOException(
              "history segment "
                  + s.name()
                  + " no longer holds records "
                  + s.firstSeq()
                  + " to "
                  + s.lastSeq()));
    }
    return all.subList((int) (s.firstSeq() - all.getFirst().seq()), all.size());
  }

  /** Whether a bookmark names a record of this history, one pruned away, one ahead, or none. */
  Check check(Bookmark b) {
    if (b.seq() > lastSeq()) {
      return Check.AHEAD;
    }
    if (b.seq() < firstSeq()) {
      return Check.EXPIRED;
    }
    LogEntry e = find(b.seq());
    return e != null && Arrays.equals(e.hash(), b.hash()) ? Check.VALID : Check.FOREIGN;
  }

  /** The entries from {@code fromSeq} to {@code toSeq} (inclusive) still kept, oldest first. */
  List<LogEntry> entries(long fromSeq, long toSeq) {
    List<LogEntry> out = new ArrayList<>();
    for (SealedSegment s : sealed) {
      if (s.firstSeq() > toSeq) {
        break;
      }
      if (s.lastSeq() >= fromSeq) {
        addBetween(read(s), fromSeq, toSeq, out);
      }
    }
    addBetween(open.view(), fromSeq, toSeq, out);
    return out;
  }

  private static void addBetween(List<LogEntry> from, long fromSeq, long toSeq, List<LogEntry> to) {
    for (LogEntry e : from) {
      if (e.seq() >= fromSeq && e.seq() <= toSeq) {
        to.add(e);
      }
    }
  }

  /** The entries of {@code segment}, oldest first, when it is the newest (open) one; else none. */
  List<LogEntry> entriesIn(String segment) {
    return open.isOf(segment) ? open.view() : List.of();
  }

  /** The names of the sealed segments wholly before {@code seq}'s, oldest first. */
  List<String> segmentsBefore(long seq) {
    List<String> names = new ArrayList<>();
    for (SealedSegment s : sealed) {
      if (s.lastSeq() >= seq) {
        break;
      }
      names.add(s.name());
    }
    return names;
  }

  /** Forgets the records before {@code seq} (pruned). */
  void dropBefore(long seq) {
    while (!sealed.isEmpty() && sealed.getFirst().lastSeq() < seq) {
      sealed.removeFirst();
    }
    if (!sealed.isEmpty()) {
      if (sealed.getFirst().firstSeq() < seq) {
        sealed.set(0, sealed.getFirst().from(find(seq)));
      }
      return;
    }
    open.dropBefore(seq);
  }

  /**
   * Forgets the records stored in {@code segment} from {@code offset} on (cut off). Only the open
   * segment is ever cut: a sealed one is never written again.
   */
  void dropFrom(String segment, long offset) {
    if (open.isOf(segment)) {
      open.dropFrom(offset);
    }
  }
}
