package dev.opend1.history;

import java.nio.file.Path;

/** Replicas as a standalone server makes them: not leased, its claims' period, the real clock. */
final class Replicas {

  private Replicas() {}

  static Replica standalone(
      String databaseId,
      ObjectStore store,
      Path historyDir,
      Path metaFile,
      long generation,
      ReplicationCounters counters) {
    return new Replica(
        databaseId,
        store,
        historyDir,
        metaFile,
        generation,
        false,
        counters,
        Replica.CLAIMS_EVERY,
        System::nanoTime);
  }
}
