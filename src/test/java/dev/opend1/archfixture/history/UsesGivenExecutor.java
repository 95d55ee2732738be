package dev.opend1.archfixture.history;

import java.util.concurrent.Executor;

/** Keeps the thread rule: running work on an executor handed in, and restoring an interrupt. */
public final class UsesGivenExecutor {

  private UsesGivenExecutor() {}

  public static void run(Executor executor, Runnable work) {
    executor.execute(work);
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
    }
  }
}
