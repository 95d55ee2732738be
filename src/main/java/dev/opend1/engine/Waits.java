package dev.opend1.engine;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to the engine's threads, its failure rethrown as it was thrown. */
final class Waits {

  private Waits() {}

  /** Waits for engine work, rethrowing its failure as it was thrown. */
  static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for the database", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof CompletionException ce && ce.getCause() != null) {
        c = ce.getCause();
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new EngineException(c.getMessage(), c);
    }
  }
}
