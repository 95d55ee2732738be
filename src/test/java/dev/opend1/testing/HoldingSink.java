package dev.opend1.testing;

import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A request's results for tests that hold a read connection: records the thread each row was
 * delivered on, and holds the engine's thread in a row until {@link #go} opens (open by default).
 */
public final class HoldingSink implements ResultSink {
  public final List<Thread> rowThreads = new ArrayList<>();
  public final CountDownLatch inRow = new CountDownLatch(1);
  public CountDownLatch go = new CountDownLatch(0);

  @Override
  public void begin(boolean mayStream) {}

  @Override
  public void statementStart(String[] columns) {}

  @Override
  public void row(Object[] values) {
    rowThreads.add(Thread.currentThread());
    inRow.countDown();
    try {
      go.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void statementEnd(StatementMeta meta) {}

  @Override
  public boolean reset() {
    rowThreads.clear();
    return true;
  }
}
