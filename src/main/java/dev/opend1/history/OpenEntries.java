package dev.opend1.history;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.IntToLongFunction;

/**
 * The open (newest) segment's entries, oldest first, held in columns: one primitive array per field
 * and every hash in one byte array, the segment's name once, and only the first seq (the open
 * segment's seqs are contiguous, which {@link #add} checks). About 41 bytes a record where a {@link
 * LogEntry} and its hash array took about 90: this is what the {@link BookmarkIndex} holds for
 * every record of up to an hour, so it is the history's live heap under steady writes.
 *
 * <p>A {@link LogEntry} is made again on demand ({@link #get}, {@link #view}); lookups are rare
 * next to adds. The arrays grow by half (so at most a third of their slots are spare); a prefix
 * dropped by retention is skipped by a start index, and compacted into smaller arrays once it is as
 * long as what is left, so each entry is copied a bounded number of times. Not thread-safe: the
 * {@link BookmarkIndex}'s owner guards it.
 */
final class OpenEntries {

  /** A record's chained hash: the first 16 bytes of a SHA-256 ({@link RecordCodec#sha16}). */
  static final int HASH_BYTES = 16;

  private static final int FIRST_CAPACITY = 16;

  /** Bytes a JVM array takes beyond its elements (mark, class pointer, length; compressed). */
  private static final int ARRAY_HEADER = 16;

  /** The segment every entry is stored in; null until the first add. */
  private String segment;

  /** The seq of the entry at {@link #start}. */
  private long firstSeq;

  /** The live entries are slots {@code [start, end)} of every column. */
  private int start;

  private int end;
  private long[] times = new long[FIRST_CAPACITY];
  private byte[] types = new byte[FIRST_CAPACITY];
  private int[] pageCounts = new int[FIRST_CAPACITY];
  private long[] offsets = new long[FIRST_CAPACITY];
  private int[] lengths = new int[FIRST_CAPACITY];
  private byte[] hashes = new byte[FIRST_CAPACITY * HASH_BYTES];

  int size() {
    return end - start;
  }

  boolean isEmpty() {
    return end == start;
  }

  /** Whether the entries held are those of {@code name} (false when none are held). */
  boolean isOf(String name) {
    return !isEmpty() && segment.equals(name);
  }

  /** The first entry's seq; only when not empty. */
  long firstSeq() {
    return firstSeq;
  }

  /** The last entry's seq; only when not empty. */
  long lastSeq() {
    return firstSeq + size() - 1;
  }

  /**
   * Adds the entry after the last one: the next seq in the same segment, at a later offset, with a
   * 16-byte hash (anything else is refused, as the columns could not hold or would misplace it).
   * Into an empty store any entry goes, and names its segment.
   */
  void add(LogEntry e) {
    if (e.hash().length != HASH_BYTES) {
      throw new IllegalArgumentException(
          "record " + e.seq() + " has a " + e.hash().length + "-byte hash, not " + HASH_BYTES);
    }
    if (e.type() != (byte) e.type()) {
      throw new IllegalArgumentException("record " + e.seq() + " has type " + e.type());
    }
    if (isEmpty()) {
      segment = e.segment();
      firstSeq = e.seq();
      start = 0;
      end = 0;
    } else if (!segment.equals(e.segment())) {
      throw new IllegalArgumentException(
          "record " + e.seq() + " is in " + e.segment() + ", not the open segment " + segment);
    } else if (e.seq() != lastSeq() + 1) {
      throw new IllegalArgumentException(
          "record "
              + e.seq()
              + " added after "
              + lastSeq()
              + ": the open segment's seqs are contiguous");
    } else if (e.offset() <= offsets[end - 1]) {
      throw new IllegalArgumentException(
          "record " + e.seq() + " at offset " + e.offset() + ", not after " + offsets[end - 1]);
    }
    if (end == times.length) {
      resize(times.length + (times.length >> 1));
    }
    times[end] = e.timeMicros();
    types[end] = (byte) e.type();
    pageCounts[end] = e.pageCount();
    offsets[end] = e.offset();
    lengths[end] = e.length();
    System.arraycopy(e.hash(), 0, hashes, end * HASH_BYTES, HASH_BYTES);
    end++;
  }

  /** The {@code i}th entry (0 is the oldest held), made anew with its own copy of the hash. */
  LogEntry get(int i) {
    Objects.checkIndex(i, size());
    int slot = start + i;
    return new LogEntry(
        firstSeq + i,
        times[slot],
        types[slot],
        pageCounts[slot],
        Arrays.copyOfRange(hashes, slot * HASH_BYTES, (slot + 1) * HASH_BYTES),
        segment,
        offsets[slot],
        lengths[slot]);
  }

  /** The index of the last entry committed at or before the instant, or -1. */
  int lastAtOrBefore(long timeMicros) {
    return lastAtOrBefore(size(), i -> times[start + i], timeMicros);
  }

  /**
   * The last of {@code size} items, in commit-time order, whose time is at or before the instant,
   * or -1: a binary search (commit times never go back).
   */
  static int lastAtOrBefore(int size, IntToLongFunction timeOf, long timeMicros) {
    int lo = 0;
    int hi = size - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (timeOf.applyAsLong(mid) <= timeMicros) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The entries held, oldest first, as an unmodifiable list that follows later changes. */
  List<LogEntry> view() {
    return new View();
  }

  /** Forgets the entries before {@code seq} (retention). */
  void dropBefore(long seq) {
    if (isEmpty() || seq <= firstSeq) {
      return;
    }
    int drop = (int) Math.min(seq - firstSeq, size());
    start += drop;
    firstSeq += drop;
    if (start >= size()) {
      resize(Math.max(FIRST_CAPACITY, size() + (size() >> 1)));
    }
  }

  /** Forgets the entries stored from {@code offset} on (the segment was cut there). */
  void dropFrom(long offset) {
    while (end > start && offsets[end - 1] >= offset) {
      end--;
    }
  }

  /**
   * The bytes this store keeps on the heap for its entries: its arrays at their capacity (spare
   * slots and a dropped prefix included), each with its header, rounded up to 8 as the JVM lays
   * them out. Not the object itself or the segment's name, a few dozen bytes whatever it holds.
   */
  long bytesHeld() {
    return arrayBytes(times.length, Long.BYTES)
        + arrayBytes(types.length, Byte.BYTES)
        + arrayBytes(pageCounts.length, Integer.BYTES)
        + arrayBytes(offsets.length, Long.BYTES)
        + arrayBytes(lengths.length, Integer.BYTES)
        + arrayBytes(hashes.length, Byte.BYTES);
  }

  private static long arrayBytes(int length, int elementBytes) {
    return (ARRAY_HEADER + (long) length * elementBytes + 7) & ~7L;
  }

  /** Moves the live entries to the start of new arrays of {@code capacity} slots. */
  private void resize(int capacity) {
    int n = size();
    times = Arrays.copyOfRange(times, start, start + capacity);
    types = Arrays.copyOfRange(types, start, start + capacity);
    pageCounts = Arrays.copyOfRange(pageCounts, start, start + capacity);
    offsets = Arrays.copyOfRange(offsets, start, start + capacity);
    lengths = Arrays.copyOfRange(lengths, start, start + capacity);
    hashes = Arrays.copyOfRange(hashes, start * HASH_BYTES, (start + capacity) * HASH_BYTES);
    start = 0;
    end = n;
  }

  /** The entries held as a list: {@link BookmarkIndex#entriesIn}, and the summary at a seal. */
  private final class View extends AbstractList<LogEntry> implements RandomAccess {

    @Override
    public LogEntry get(int i) {
      return OpenEntries.this.get(i);
    }

    @Override
    public int size() {
      return OpenEntries.this.size();
    }
  }
}
