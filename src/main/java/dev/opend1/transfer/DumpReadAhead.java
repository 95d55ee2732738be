package dev.opend1.transfer;

import dev.opend1.sql.DumpStatement;
import dev.opend1.sql.StatementStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * An import's dump read into statements on a transfer thread, ahead of the database's writer that
 * runs them: the writer only takes statements already split and classified ({@link
 * StatementStream}), so reading the file, decoding it and splitting it run on the machine's other
 * core while SQLite runs the statements before. Why: the writer is the one thread an import waits
 * on, and reading the dump was about a tenth of its time.
 *
 * <p>The statements come in the file's order, in batches; a failure to read (a statement past the
 * limit, an I/O error) comes after every statement read before it, where the stream met it, so the
 * import fails as it did when the writer read the file itself. At most {@link #QUEUED} batches
 * wait, each of at most {@link #BATCH_STATEMENTS} statements or about {@link #BATCH_CHARS}
 * characters (and one statement more), so the memory held is bounded by a few batches and the
 * longest statement.
 *
 * <p>One reader thread, one consumer: {@link #next} is called by one thread at a time.
 */
final class DumpReadAhead implements AutoCloseable {

  /** Statements in a batch at most. */
  static final int BATCH_STATEMENTS = 256;

  /** Characters of statement text after which a batch is handed over. */
  static final int BATCH_CHARS = 1 << 20;

  /** Batches waiting for the writer at most. */
  static final int QUEUED = 2;

  /** How often a reader blocked on a full queue checks whether it was stopped. */
  private static final long OFFER_WAIT_MILLIS = 50;

  /** A run of statements, or the end of the dump: normal (failure null) or failed. */
  private record Batch(List<DumpStatement> statements, boolean last, Throwable failure) {}

  /** Batches read and not yet taken (filled by the reader thread, drained by the consumer). */
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED);

  /** Set by {@link #close}: the reader stops at its next statement or wait. */
  private volatile boolean stopped;

  /** The reader's task; complete once it closed the input. */
  private final CompletableFuture<Void> reader;

  /** The batch being taken by the consumer, and where in it. */
  private Iterator<DumpStatement> current = List.<DumpStatement>of().iterator();

  /** What reading failed with, thrown once the statements before it were taken. */
  private Throwable failure;

  /** Whether the last batch was taken (and its failure, if any, thrown). */
  private boolean ended;

  /** Starts reading {@code in} (UTF-8) on {@code executor}; {@link #close} closes it. */
  DumpReadAhead(InputStream in, int maxChars, Executor executor) throws IOException {
    try {
      this.reader = CompletableFuture.runAsync(() -> read(in, maxChars), executor);
    } catch (RuntimeException notStarted) {
      in.close();
      throw notStarted;
    }
  }

  /**
   * The next statement of the dump, or null after the last one; waits while the reader is behind.
   *
   * @throws IOException what reading the dump failed with, after the statements before it
   */
  DumpStatement next() throws IOException {
    while (!current.hasNext()) {
      if (failure != null) {
        Throwable f = failure;
        failure = null;
        ended = true;
        throw rethrown(f);
      }
      if (ended) {
        return null;
      }
      Batch b = take();
      current = b.statements().iterator();
      if (b.last()) {
        failure = b.failure();
        ended = failure == null;
      }
    }
    return current.next();
  }

  /**
   * The next batch, waiting while the reader is behind. A reader that stopped without handing its
   * last batch (its thread was interrupted: the server is stopping) ends the import, which would
   * otherwise wait for it forever.
   */
  private Batch take() throws IOException {
    try {
      while (true) {
        Batch b = queue.poll(OFFER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (b != null) {
          return b;
        }
        if (reader.isDone()) {
          b = queue.poll(); // handed just before it finished
          if (b != null) {
            return b;
          }
          throw new InterruptedIOException("the dump's reader stopped before the end of the dump");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the dump");
    }
  }

  /** Stops the reader and waits until it let go of the input. */
  @Override
  public void close() {
    stopped = true;
    queue.clear();
    reader.exceptionally(e -> null).join();
  }

  /** The reader thread's work: statements in batches, then the end or the failure. */
  private void read(InputStream in, int maxChars) {
    List<DumpStatement> batch = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      StatementStream stream = new StatementStream(r, maxChars);
      long chars = 0;
      for (DumpStatement s; !stopped && (s = stream.next()) != null; ) {
        batch.add(s);
        chars += s.statement().text().length();
        if (batch.size() >= BATCH_STATEMENTS || chars >= BATCH_CHARS) {
          hand(new Batch(batch, false, null));
          batch = new ArrayList<>();
          chars = 0;
        }
      }
      hand(new Batch(batch, true, null));
    } catch (IOException | RuntimeException | Error e) {
      hand(new Batch(batch, true, e));
    }
  }

  /** Puts a batch in the queue, waiting for room unless the consumer stopped. */
  private void hand(Batch b) {
    try {
      while (!stopped && !queue.offer(b, OFFER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        // the writer is behind: wait for it, or for close
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static IOException rethrown(Throwable t) throws IOException {
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) t;
  }
}
