package dev.opend1.history;

import java.util.Map;

/**
 * One commit in a database's history.
 *
 * @param seq its sequence number: only grows, across restores too
 * @param timeMicros commit time in microseconds since the epoch; never goes backwards
 * @param type {@link #PAGES} for a commit's changed pages, {@link #IMAGE} when the whole state is
 *     in the snapshot of the same seq (the first state, and every restore)
 * @param pageSize bytes per page
 * @param pageCount the database's size in pages after the commit
 * @param pages the changed pages by page number (empty for an IMAGE record)
 * @param restoredFrom for a restore, the seq whose state it restored; -1 otherwise
 * @param hash the chained hash: SHA-256 of the previous record's hash and this record, 16 bytes
 */
record HistoryRecord(
    long seq,
    long timeMicros,
    int type,
    int pageSize,
    int pageCount,
    Map<Integer, byte[]> pages,
    long restoredFrom,
    byte[] hash) {

  static final int PAGES = 0;
  static final int IMAGE = 1;
}
