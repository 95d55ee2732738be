package dev.opend1.testing;

import dev.opend1.engine.Engine;
import java.time.Duration;

/**
 * Closes every open database of an engine, as the server's idle sweep would once they all went
 * unused. A write is answered once its commit is durable, which on a local history its writer's own
 * task makes so (the fsync runs on the writer): the task may still be finishing (the checkpoint
 * check) when its client has the answer, and a database whose writer has a task is not idle. So
 * this asks again until none is open, for up to 30 seconds.
 */
public final class IdleClose {

  private IdleClose() {}

  /** Closes every open database; returns how many closed. */
  public static int closeAll(Engine engine) throws InterruptedException {
    int closed = engine.closeIdleDatabases(Duration.ZERO);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (engine.openDatabases() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
      closed += engine.closeIdleDatabases(Duration.ZERO);
    }
    return closed;
  }
}
