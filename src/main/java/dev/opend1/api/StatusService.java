package dev.opend1.api;

import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operators' routes ({@code /status}) need: the server's figures, and the online doctor.
 */
public interface StatusService {

  /**
   * The figures of {@code GET /status}, as they are now.
   *
   * @param freeBytes free in the data directory's file system
   * @param databaseBytes every database's files
   * @param historyBytes every database's history
   * @param openDatabases database handles open
   * @param unavailable the databases whose files are missing or damaged, and why
   * @param queuedWrites write requests queued or running
   * @param sqlTasksWaiting SQL work waiting for one of the engine's threads
   * @param exportsRunning export jobs running
   * @param importsRunning import jobs running
   * @param lastCheckpointMillis when the latest complete checkpoint ended (epoch ms), 0 before it
   * @param objectStorage the shipping of history to object storage, when one is configured
   */
  record Report(
      long freeBytes,
      long databaseBytes,
      long historyBytes,
      int openDatabases,
      Map<DatabaseId, String> unavailable,
      int queuedWrites,
      int sqlTasksWaiting,
      long exportsRunning,
      long importsRunning,
      long lastCheckpointMillis,
      Optional<ObjectStorage> objectStorage) {}

  /**
   * Where the history is shipped and how far behind it is.
   *
   * @param target the store and prefix ({@code s3://bucket/prefix})
   * @param durability {@code sync} or {@code async}
   * @param lagSeconds how long the oldest history not yet in the store has waited
   * @param lagBytes bytes of history durable on local disk and not yet in the store
   * @param uploads objects written
   * @param uploadedBytes bytes written
   * @param failures uploads that failed
   * @param lastError the latest failure's text, null when none
   * @param fencedDatabases databases whose shipping stopped because another writer's history is in
   *     the store
   */
  record ObjectStorage(
      String target,
      String durability,
      double lagSeconds,
      long lagBytes,
      long uploads,
      long uploadedBytes,
      long failures,
      String lastError,
      List<String> fencedDatabases) {}

  /**
   * What the online doctor found in one database.
   *
   * @param problems what is not sound (none when healthy)
   * @param notes what is harmless but worth knowing
   * @param historyRecords the records its history holds
   */
  record Check(List<String> problems, List<String> notes, long historyRecords) {}

  Report report();

  /**
   * The online {@code opend1 doctor} of one database, while it serves: SQLite's integrity check and
   * its history's continuity.
   */
  Check check(DatabaseId id) throws InterruptedException;
}
