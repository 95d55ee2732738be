package dev.opend1.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seq the database file is known to hold (after each full checkpoint, recovery or restore),
 * kept in the history's {@code checkpoint} file: recovery replays the records after it. -1 when
 * unknown.
 */
final class CheckpointSeq {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointSeq.class);

  private final HistoryStore store;
  private final String databaseId;

  /** Guarded by this object's monitor; the file is written outside it. */
  private long seq = -1;

  CheckpointSeq(HistoryStore store, String databaseId) {
    this.store = store;
    this.databaseId = databaseId;
  }

  /** Reads the stored seq (at open). */
  void load() throws IOException {
    byte[] cp = store.readSmall("checkpoint");
    long read = cp == null ? -1 : Long.parseLong(new String(cp, StandardCharsets.UTF_8).trim());
    synchronized (this) {
      seq = read;
    }
  }

  synchronized long get() {
    return seq;
  }

  /** Records that the file holds the state at {@code next}, stored before this returns. */
  void set(long next) throws IOException {
    synchronized (this) {
      if (seq == next) {
        return;
      }
      seq = next;
    }
    store.writeSmall("checkpoint", Long.toString(next).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Records the seq the file holds after a recovery. Failing to write it (a full disk) must not
   * keep an intact database from opening, and need not: the stored seq is then an older one, from
   * which the next recovery replays more records over the file (a page replayed again gets the same
   * bytes) or rebuilds it whole.
   */
  void note(long next) {
    try {
      set(next);
    } catch (IOException e) {
      LOG.warn("checkpoint seq of {} not stored: {}", databaseId, e.getMessage());
    }
  }
}
