package dev.opend1.transfer;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What export and import jobs share: a job runs on a transfer thread while HTTP requests poll it,
 * so its state is volatile and read whole by each poll; its messages are kept until a poll takes
 * them.
 */
abstract sealed class TransferJob permits ExportJob, ImportJob {

  /** How long a poll waits for a running job before it answers that it still runs. */
  static final Duration POLL_WAIT = Duration.ofSeconds(1);

  final DatabaseId db;
  volatile TransferStatus status;
  volatile String atBookmark;
  volatile String error;

  /** When it finished or failed; null while it runs. */
  volatile Instant finished;

  /** What happened since the last poll (guarded by this). */
  private final List<String> messages = new ArrayList<>();

  /** Opens when the job finishes or fails. */
  private final CountDownLatch done = new CountDownLatch(1);

  TransferJob(DatabaseId db, TransferStatus status) {
    this.db = db;
    this.status = status;
  }

  synchronized void say(String m) {
    messages.add(m);
  }

  /** The messages since the last poll, which this poll takes. */
  synchronized List<String> drain() {
    List<String> out = List.copyOf(messages);
    messages.clear();
    return out;
  }

  /** Marks the job finished (or failed): polls stop waiting for it. */
  void finish() {
    finished = Instant.now();
    done.countDown();
  }

  /** Waits up to {@link #POLL_WAIT} for the job to finish, so a poll may answer with the end. */
  void awaitDone() {
    try {
      done.await(POLL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True when it finished more than {@code lifetime} before {@code now}. */
  boolean expired(Duration lifetime, Instant now) {
    Instant f = finished;
    return f != null && f.plus(lifetime).isBefore(now);
  }

  /** True when it is the database's job at that bookmark. */
  boolean at(DatabaseId db, String bookmark) {
    return this.db.equals(db) && bookmark.equals(atBookmark);
  }
}
