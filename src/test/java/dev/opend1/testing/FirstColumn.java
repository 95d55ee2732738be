package dev.opend1.testing;

import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the first column of every row of a request run on the engine; with a start deadline of
 * its own ({@link ResultSink#startBy}) when made with one, as a forwarded request brings.
 */
public final class FirstColumn implements ResultSink {
  public final List<Object> values = new ArrayList<>();

  /** The write's start deadline ({@link System#nanoTime}), when {@link #hasDeadline}. */
  private final long startBy;

  private final boolean hasDeadline;

  /** With the engine's own start deadline. */
  public FirstColumn() {
    this.startBy = 0;
    this.hasDeadline = false;
  }

  /**
   * With a start deadline of its own: a write the writer reaches after {@code startBy} is refused.
   */
  public FirstColumn(long startBy) {
    this.startBy = startBy;
    this.hasDeadline = true;
  }

  @Override
  public long startBy(long otherwise) {
    return hasDeadline ? startBy : otherwise;
  }

  @Override
  public void begin(boolean mayStream) {}

  @Override
  public void statementStart(String[] columns) {}

  @Override
  public void row(Object[] row) {
    values.add(row[0]);
  }

  @Override
  public void statementEnd(StatementMeta meta) {}

  @Override
  public boolean reset() {
    values.clear();
    return true;
  }
}
