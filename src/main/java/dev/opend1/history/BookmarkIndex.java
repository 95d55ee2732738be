package dev.opend1.history;

import dev.opend1.core.Bookmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The records of a history in order, one {@link LogEntry} each: finds a seq's record, the last
 * record at or before an instant, and how a bookmark relates to the history. Entries are contiguous
 * (each seq follows the previous one), so a seq is found by its distance from the first. Not
 * thread-safe: {@link DatabaseHistory} guards it with its lock.
 */
final class BookmarkIndex {

  /** How a bookmark relates to this history. */
  enum Check {
    VALID,
    FOREIGN,
    EXPIRED,
    AHEAD
  }

  private final List<LogEntry> entries = new ArrayList<>();

  /** Adds the entry of the next record. */
  void add(LogEntry e) {
    entries.add(e);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /** The oldest entry still kept. */
  LogEntry first() {
    return entries.get(0);
  }

  /** The newest entry. */
  LogEntry last() {
    return entries.get(entries.size() - 1);
  }

  /** The newest seq, or -1 when empty. */
  long lastSeq() {
    return entries.isEmpty() ? -1 : last().seq();
  }

  /** The entry of a seq, or null when it is not (or no longer) in the history. */
  LogEntry find(long seq) {
    if (entries.isEmpty()) {
      return null;
    }
    long i = seq - entries.get(0).seq();
    return i < 0 || i >= entries.size() ? null : entries.get((int) i);
  }

  /** The bookmark of the last record at or before the instant, or empty when before the first. */
  Optional<Bookmark> at(long timeMicros) {
    int found = lastAtOrBefore(timeMicros);
    return found < 0 ? Optional.empty() : Optional.of(entries.get(found).bookmark());
  }

  /**
   * Up to {@code limit} entries committed from {@code fromMicros} to {@code toMicros} (inclusive)
   * with a seq below {@code beforeSeq}, newest first. Commit times never go backwards, so the
   * newest one is found by a binary search and the walk stops at the first entry before the range.
   */
  List<LogEntry> newestFirst(long fromMicros, long toMicros, long beforeSeq, int limit) {
    List<LogEntry> page = new ArrayList<>();
    if (entries.isEmpty()) {
      return page;
    }
    long belowCursor = Math.min(beforeSeq - 1 - first().seq(), entries.size() - 1L);
    int i = (int) Math.min(lastAtOrBefore(toMicros), belowCursor);
    for (; i >= 0 && page.size() < limit && entries.get(i).timeMicros() >= fromMicros; i--) {
      page.add(entries.get(i));
    }
    return page;
  }

  /** The index of the last entry at or before the instant, or -1. */
  private int lastAtOrBefore(long timeMicros) {
    int lo = 0;
    int hi = entries.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).timeMicros() <= timeMicros) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Whether a bookmark names a record of this history, one pruned away, one ahead, or none. */
  Check check(Bookmark b) {
    if (b.seq() > lastSeq()) {
      return Check.AHEAD;
    }
    if (b.seq() < first().seq()) {
      return Check.EXPIRED;
    }
    LogEntry e = find(b.seq());
    return e != null && Arrays.equals(e.hash(), b.hash()) ? Check.VALID : Check.FOREIGN;
  }

  /** Every seq, oldest first. */
  List<Long> seqs() {
    List<Long> s = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      s.add(e.seq());
    }
    return s;
  }

  /** Every entry, oldest first (a read-only view). */
  List<LogEntry> entries() {
    return Collections.unmodifiableList(entries);
  }

  /**
   * The entries stored in {@code segment}, oldest first, when it holds the newest records (the open
   * segment): found from the end.
   */
  List<LogEntry> entriesIn(String segment) {
    int from = entries.size();
    while (from > 0 && entries.get(from - 1).segment().equals(segment)) {
      from--;
    }
    return List.copyOf(entries.subList(from, entries.size()));
  }

  /** The commit time of the first record stored in {@code segment}, or empty. */
  Optional<Long> firstTimeIn(String segment) {
    return entries.stream()
        .filter(e -> e.segment().equals(segment))
        .findFirst()
        .map(LogEntry::timeMicros);
  }

  /** Forgets the records before {@code seq} (pruned). */
  void dropBefore(long seq) {
    entries.removeIf(e -> e.seq() < seq);
  }

  /** Forgets the records stored in {@code segment} from {@code offset} on (cut off). */
  void dropFrom(String segment, long offset) {
    entries.removeIf(e -> e.segment().equals(segment) && e.offset() >= offset);
  }
}
