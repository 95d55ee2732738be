package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that a past state needs, found damaged on disk while the state is read (its CRC fails,
 * or it is not the record the index says is there). A sealed segment opens from its index file
 * without reading its records, so this is where damage in one shows: at the first request that
 * reads the record. What it becomes: one ERROR line for the operator, naming the segment's path
 * (the answer must not), and an {@link IOException} for the reader's callers, whose cause is the
 * request's answer, {@link D1Exception.HistoryDamaged}. The reader's callers (engine, time travel)
 * pass it on as they pass any failure to read a state; whoever turns that failure into an answer
 * finds the typed one with {@link D1Exception.HistoryDamaged#in}.
 */
final class HistoryDamage {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryDamage.class);

  private HistoryDamage() {}

  /**
   * Logs that {@code record} of database {@code databaseId}'s history is damaged, so the state at
   * {@code target} cannot be read, and answers the failure to throw. The place is the record's
   * first byte in its segment, where {@code opend1 doctor} reports it too.
   */
  static IOException found(
      HistoryStore store, String databaseId, LogEntry record, Bookmark target) {
    String where = record.segment() + " byte " + record.offset();
    String path = store.localFile(record.segment()).map(Path::toString).orElse(record.segment());
    LOG.error(
        "history of database {} is damaged: record {} at byte {} of {} fails its check, so the"
            + " state at bookmark {} cannot be built; nothing was applied. Run opend1 doctor on"
            + " the database to see the history's damage",
        databaseId,
        record.seq(),
        record.offset(),
        path,
        target);
    return new IOException(
        "history segment " + record.segment() + " is damaged at byte " + record.offset(),
        new D1Exception.HistoryDamaged(databaseId, where, target.toString()));
  }
}
