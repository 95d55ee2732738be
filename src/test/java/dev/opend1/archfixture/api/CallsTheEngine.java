package dev.opend1.archfixture.api;

import dev.opend1.archfixture.engine.OwnsFilesAndThreads;
import java.util.concurrent.ExecutorService;

/** Breaks the edge rule: it calls a class of the engine instead of an interface. */
public final class CallsTheEngine {

  private CallsTheEngine() {}

  public static ExecutorService workers() {
    return OwnsFilesAndThreads.pool();
  }
}
