package dev.opend1.transfer;

import java.util.List;

/**
 * An import's state as the protocol reports it.
 *
 * @param atBookmark the database's bookmark when the import started
 * @param messages what happened since the last poll
 * @param error why it failed ({@link TransferStatus#ERROR})
 * @param filename the upload's name
 * @param needsUpload true when nothing is uploaded yet: the answer is where to upload
 * @param result what it did ({@link TransferStatus#COMPLETE}); null before
 */
public record ImportProgress(
    TransferStatus status,
    String atBookmark,
    List<String> messages,
    String error,
    String filename,
    boolean needsUpload,
    ImportResult result) {

  /** The answer to {@code init} before the file is uploaded: its name. */
  static ImportProgress awaitingUpload(String filename) {
    return new ImportProgress(TransferStatus.PENDING, null, List.of(), null, filename, true, null);
  }
}
