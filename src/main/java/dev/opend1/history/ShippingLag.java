package dev.opend1.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * How far one database's bucket is behind its local history: what commits noted as durable here
 * ({@link #note}) and uploads have not yet covered ({@link #shippedUpTo}), in bytes and in time.
 *
 * <p>The time is the wait of the oldest unshipped byte, counted from the commit that made it
 * durable here, so a steady load whose uploads keep up shows the delay of one upload round, not the
 * length of the load. Each noted commit is kept with its time until an upload covers it; commits
 * noted within {@link #GRAIN_NANOS} of the one before share its entry and its time (the lag errs
 * high by at most that), so a busy database keeps about one entry per grain of lag.
 */
final class ShippingLag {

  /** Commits noted within this of the previous entry join it. */
  static final long GRAIN_NANOS = Duration.ofMillis(5).toNanos();

  /** Where the local history ended at a noted commit, and when it was noted. */
  record Position(String segment, long end) {

    /** Whether history shipped up to {@code end} of {@code segment} holds this position. */
    boolean within(Position shipped) {
      int cmp = segment.compareTo(shipped.segment);
      return cmp < 0 || (cmp == 0 && end <= shipped.end);
    }
  }

  private record Note(Position at, long atNanos) {}

  private final LongSupplier nanoClock;

  /** Guards every field below (a commit noting never waits for an upload: they share only this). */
  private final Object lock = new Object();

  private final ArrayDeque<Note> notes = new ArrayDeque<>();
  private Position target;
  private long pendingBytes;

  ShippingLag(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The local history up to {@code end} of {@code segment} is durable and must be shipped. */
  void note(String segment, long end) {
    synchronized (lock) {
      long delta = target != null && segment.equals(target.segment()) ? end - target.end() : end;
      Position at = new Position(segment, end);
      if (delta > 0) {
        pendingBytes += delta;
        long now = nanoClock.getAsLong();
        Note last = notes.peekLast();
        if (last != null
            && last.at().segment().equals(segment)
            && now - last.atNanos() < GRAIN_NANOS) {
          notes.pollLast();
          notes.addLast(new Note(at, last.atNanos()));
        } else {
          notes.addLast(new Note(at, now));
        }
      }
      target = at;
    }
  }

  /** Uploads now hold the local history up to {@code shipped}; {@code bytes} more were stored. */
  void shippedUpTo(Position shipped, long bytes) {
    synchronized (lock) {
      while (!notes.isEmpty() && notes.peekFirst().at().within(shipped)) {
        notes.pollFirst();
      }
      pendingBytes = notes.isEmpty() ? 0 : Math.max(0, pendingBytes - bytes);
    }
  }

  /** What the last note said is durable here, or null when every note is shipped. */
  Position waiting() {
    synchronized (lock) {
      return notes.isEmpty() ? null : target;
    }
  }

  /** Bytes durable here and not yet in object storage. */
  long bytes() {
    synchronized (lock) {
      return pendingBytes;
    }
  }

  /** How long the oldest unshipped byte has waited, in nanoseconds; 0 when nothing waits. */
  long nanos() {
    synchronized (lock) {
      Note oldest = notes.peekFirst();
      return oldest == null ? 0 : nanoClock.getAsLong() - oldest.atNanos();
    }
  }
}
