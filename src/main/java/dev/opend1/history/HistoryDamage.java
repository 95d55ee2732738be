package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record of a history found damaged on disk (its CRC fails, or it is not the record the index
 * names) where a request needs it. A sealed segment opens from its index file without reading its
 * records, so this is where damage in one shows: when a replay reads the record, or when a sealed
 * segment without a usable index file is scanned. What it becomes: one ERROR line for the operator,
 * naming the segment's path (the answer must not), and an {@link IOException} for the reader's
 * callers, whose cause is the request's answer, {@link D1Exception.HistoryDamaged}. The callers
 * (engine, time travel) pass it on as they pass any failure to read; whoever turns that failure
 * into an answer finds the typed one with {@link D1Exception.HistoryDamaged#in}.
 */
final class HistoryDamage {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryDamage.class);

  private HistoryDamage() {}

  /**
   * A replay found {@code record} damaged, so the state at {@code target} cannot be built: logged,
   * and the failure to throw answered. The place is the record's first byte in its segment, where
   * {@code opend1 doctor} reports it too.
   */
  static IOException found(
      HistoryStore store, String databaseId, LogEntry record, Bookmark target) {
    return report(
        store,
        databaseId,
        record.segment(),
        record.offset(),
        "record " + record.seq() + " fails its check",
        "the state at bookmark " + target + " cannot be read");
  }

  /**
   * A scan of the sealed segment {@code segment} found the record at {@code offset} damaged (at an
   * open, or a lookup whose index file did not hold): logged, and the failure to throw answered.
   */
  static IOException found(HistoryStore store, String databaseId, String segment, long offset) {
    return report(
        store,
        databaseId,
        segment,
        offset,
        "the record there fails its check",
        "the segment cannot be read");
  }

  private static IOException report(
      HistoryStore store,
      String databaseId,
      String segment,
      long offset,
      String what,
      String unreadable) {
    String path = store.localFile(segment).map(Path::toString).orElse(segment);
    LOG.error(
        "history of database {} is damaged at byte {} of {}: {}, so {}; nothing was applied. Run"
            + " opend1 doctor on the database to see the history's damage",
        databaseId,
        offset,
        path,
        what,
        unreadable);
    return new IOException(
        "history segment " + segment + " is damaged at byte " + offset,
        new D1Exception.HistoryDamaged(databaseId, segment + " byte " + offset, unreadable));
  }
}
