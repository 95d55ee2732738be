package dev.opend1.transfer;

import dev.opend1.core.DatabaseId;

/** One import: an uploaded file run as one transaction on a database's writer. */
final class ImportJob extends TransferJob {

  final String etag;

  /** What it did, set once before it is complete; null before. */
  volatile ImportResult result;

  /** Statements run so far, for progress messages (written by the job's thread only). */
  volatile long statementsDone;

  /** Bytes of the file read so far, for progress messages (written by the job's thread only). */
  volatile long bytesRead;

  ImportJob(DatabaseId db, String etag) {
    super(db, TransferStatus.ACTIVE);
    this.etag = etag;
  }

  /**
   * Its state for a poll, once it finished or after {@link #POLL_WAIT}; a running import first says
   * how far it got.
   */
  ImportProgress progress() {
    awaitDone();
    if (finished == null) {
      say(statementsDone + " statements executed, " + bytesRead + " bytes read");
    }
    return new ImportProgress(
        status, atBookmark, drain(), error, Uploads.filename(db, etag), false, result);
  }
}
