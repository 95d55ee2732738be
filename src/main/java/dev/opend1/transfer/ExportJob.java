package dev.opend1.transfer;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.StateImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** One export: a dump of a database's snapshot, with these options, into a file. */
final class ExportJob extends TransferJob {

  final DumpOptions options;

  /** The past state it dumps ({@code at_bookmark}), or null for the database as it is. */
  final Past past;

  /** A state at a past bookmark: the bookmark, and the history's description of the state. */
  record Past(Bookmark at, Supplier<StateImage> image) {}

  /** The finished dump; null until it is complete. */
  volatile Path file;

  /** When a client last asked for it: one nobody asks for is cancelled. */
  volatile Instant lastPoll = Instant.now();

  /** Set to stop the dump between rows. */
  volatile boolean cancelled;

  /** Opens once the snapshot is taken ({@link #atBookmark} is known), or the export failed. */
  final CountDownLatch started = new CountDownLatch(1);

  ExportJob(DatabaseId db, DumpOptions options, Past past) {
    super(db, TransferStatus.ACTIVE);
    this.options = options;
    this.past = past;
  }

  /** True while it runs with no poll for {@code abandoned}. */
  boolean abandoned(Duration abandoned, Instant now) {
    return status == TransferStatus.ACTIVE && lastPoll.plus(abandoned).isBefore(now);
  }

  /** Its state for a poll, which takes the messages since the last one. */
  ExportProgress progress() {
    return new ExportProgress(
        status, atBookmark, drain(), error, file == null ? null : file.getFileName().toString());
  }
}
