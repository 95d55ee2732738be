package dev.opend1.history;

import java.time.Instant;

/**
 * Commit times of one history, in microseconds since the epoch: the wall clock, but never before
 * the previous record's time plus one, so times only grow even when the wall clock steps back (a
 * bookmark found by time must be the one a client saw at that time).
 */
final class CommitClock {

  /** The last time handed out; guarded by this. */
  private long last;

  /** Now, but never before {@code previous} + 1 nor the last time handed out + 1. */
  synchronized long next(long previous) {
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    last = Math.max(Math.max(micros, previous + 1), last + 1);
    return last;
  }
}
