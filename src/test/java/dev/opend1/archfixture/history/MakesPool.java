package dev.opend1.archfixture.history;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Breaks the thread rule: history making an executor of its own. */
public final class MakesPool {

  private MakesPool() {}

  public static ExecutorService pool() {
    return Executors.newSingleThreadExecutor();
  }
}
