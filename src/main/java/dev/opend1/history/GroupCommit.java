package dev.opend1.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Group commit: a record is durable once an fsync that began after it was appended has completed.
 * Each capture waits on its ticket (the log's length after its record); while one fsync runs, later
 * records pile up for the next, so concurrent commits share one fsync. A failed fsync fails every
 * waiter and has the log cut back to what was durable.
 *
 * <p>Every field is guarded by the owner's lock (the one that guards the log), so a round reads the
 * log's length and its channel together; only the fsync itself runs outside it, on the syncer. The
 * syncer may be the caller itself (a local history's, {@link HistoryStore#syncsLocally}): the
 * commit that starts a round then returns once the round is done, its future complete.
 */
final class GroupCommit {

  /** The log group commit makes durable. Methods other than {@link #sync} run under the lock. */
  interface Log {

    /** Bytes appended so far. */
    long appended();

    /** What an fsync begun now covers: the open segment, its channel and length. */
    Round round();

    /** Makes a round durable (called without the lock). */
    void sync(Round round) throws IOException;

    /** An fsync failed: cut the log back to what {@link GroupCommit#synced} says is durable. */
    void failed(IOException cause);
  }

  /** One fsync's reach: the first {@code end} bytes of the segment {@code name}. */
  record Round(String name, FileChannel channel, long end) {}

  private record Waiter(long upTo, CompletableFuture<Void> done) {}

  /** The owner's lock: guards every field below and the log. */
  private final Object lock;

  private final Executor syncer;
  private final Log log;
  private long synced;
  private boolean syncing;
  private final List<Waiter> waiters = new ArrayList<>();

  GroupCommit(Object lock, Executor syncer, Log log) {
    this.lock = lock;
    this.syncer = syncer;
    this.log = log;
  }

  /** Bytes known durable. Call with the lock held. */
  long synced() {
    return synced;
  }

  /** The log made its first {@code bytes} durable itself (sealing a segment). Lock held. */
  void durableUpTo(long bytes) {
    synced = Math.max(synced, bytes);
  }

  /** A future that completes when an fsync covers everything up to {@code ticket}. */
  CompletableFuture<Void> durable(long ticket) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean start;
    synchronized (lock) {
      if (synced >= ticket) {
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(new Waiter(ticket, done));
      start = !syncing;
      syncing = true;
    }
    if (start) {
      syncer.execute(this::syncRounds);
    }
    return done;
  }

  /** Fsyncs until no one waits: each round covers everything appended before it began. */
  private void syncRounds() {
    while (true) {
      long target;
      Round round;
      synchronized (lock) {
        target = log.appended();
        round = log.round();
      }
      IOException failed = null;
      try {
        log.sync(round);
      } catch (IOException e) {
        failed = e;
      }
      List<Waiter> done = new ArrayList<>();
      synchronized (lock) {
        if (failed != null) {
          log.failed(failed);
          done.addAll(waiters);
          waiters.clear();
        } else {
          synced = Math.max(synced, target);
          waiters.removeIf(w -> w.upTo() <= synced && done.add(w));
        }
        if (waiters.isEmpty()) {
          syncing = false;
        }
      }
      for (Waiter w : done) {
        if (failed != null) {
          w.done()
              .completeExceptionally(
                  new IOException("history fsync failed: " + failed.getMessage(), failed));
        } else {
          w.done().complete(null);
        }
      }
      synchronized (lock) {
        if (!syncing) {
          return;
        }
      }
    }
  }
}
