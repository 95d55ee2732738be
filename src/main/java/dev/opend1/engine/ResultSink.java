package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import java.io.IOException;

/**
 * Where the engine delivers a request's results, statement by statement and row by row, on the
 * engine's thread. The HTTP edge implements it to write JSON; the engine stays free of any format.
 *
 * <p>A write request's results are held until it commits ({@code mayStream} false), so its answer
 * can still be an error; a read-only request's results may go to the client as they come.
 */
public interface ResultSink {

  /** Called before the first result; may be called again after {@link #reset()}. */
  void begin(boolean mayStream) throws IOException;

  /**
   * The request's deadline ({@link System#nanoTime}): a sink that waits for a slow client must not
   * hold the engine's thread past it.
   */
  default void deadline(long nanoTime) {}

  /**
   * When ({@link System#nanoTime}) the request's write must have started on the database's writer,
   * given the engine's own deadline {@code otherwise} ({@link dev.opend1.core.SqlLimits#writeWait}
   * from the moment the write was queued): a write the writer reaches later is refused, nothing of
   * it applied. A sink whose request has an earlier deadline (a forwarded request's budget) answers
   * that one.
   */
  default long startBy(long otherwise) {
    return otherwise;
  }

  /** A statement starts; {@code columns} is empty for statements without rows. */
  void statementStart(String[] columns) throws IOException;

  /**
   * One row, as SQLite holds it; the row is reused for the next one. A sink overrides this one or
   * {@link #row(Object[])}: by default the row's values are boxed and decoded for it.
   */
  default void row(ResultRow row) throws IOException {
    row(row.values());
  }

  /**
   * One row's values: {@code null}, {@link Long}, {@link Double}, {@link String} or {@code byte[]}.
   * For sinks that want Java values (tests, small internal reads); the HTTP edge reads {@link
   * ResultRow} and copies text as bytes.
   */
  default void row(Object[] values) throws IOException {
    throw new UnsupportedOperationException("a ResultSink overrides one of its row methods");
  }

  /** The statement ended with these figures. */
  void statementEnd(StatementMeta meta) throws IOException;

  /**
   * A write request's commit is durable, in the state {@code at} names: told once, on the request's
   * thread, before the engine returns it. The bookmark is fixed here, at commit, so the answer
   * names the state that holds the write whatever happens to the database after it (a restore, its
   * history reopened).
   */
  default void durable(Bookmark at) {}

  /**
   * Forgets everything written since {@link #begin}, so the request can be run again elsewhere or
   * answered with an error. Returns false when bytes already reached the client.
   */
  boolean reset();
}
