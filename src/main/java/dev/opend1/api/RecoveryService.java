package dev.opend1.api;

import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code POST /recover} and {@code /recover/jobs} need: one database from object storage, as a
 * new database, answered when done or run in the background and polled.
 */
public interface RecoveryService {

  /**
   * What was recovered.
   *
   * @param database the new database
   * @param sourceId the id of the database in the bucket it was recovered from
   * @param records history records replayed
   * @param lastCommit the time of the last commit it holds
   * @param bytes bytes downloaded from the store
   * @param seconds how long the recovery took
   */
  record Recovered(
      DatabaseRecord database,
      String sourceId,
      long records,
      Instant lastCommit,
      long bytes,
      double seconds) {}

  /**
   * Recovers the database {@code sourceId} from the server's object store, as of {@code at} (the
   * newest state when empty), as a new database in its account named {@code name} (by default
   * {@code <name>-recovered-<yyyyMMdd-HHmmss>}). Nothing of the new database is left on failure.
   *
   * @throws dev.opend1.core.D1Exception.DatabaseNotFound when the bucket holds no such database
   * @throws dev.opend1.core.D1Exception.InvalidRequest when no store is configured, or the database
   *     had no commit by {@code at}
   * @throws dev.opend1.core.D1Exception.DuplicateName when the name is taken
   */
  Recovered recover(String sourceId, Optional<Instant> at, Optional<String> name);

  /**
   * A recovery run in the background, as a poll finds it: running (neither outcome yet), done, or
   * failed.
   *
   * @param id the job's id
   * @param bytes bytes downloaded so far
   * @param records history records checked so far
   * @param seconds how long it has run (or ran)
   * @param done what was recovered, once it succeeded
   * @param failure why it failed, once it did (answered as that error)
   */
  record Job(
      String id,
      long bytes,
      long records,
      double seconds,
      Optional<Recovered> done,
      Optional<D1Exception> failure) {

    public boolean running() {
      return done.isEmpty() && failure.isEmpty();
    }
  }

  /**
   * Starts {@link #recover} in the background and returns the job's id at once, so no request lasts
   * as long as a large recovery. What can be refused without reading the store (no store
   * configured, an id that is no UUID) is refused here; the rest is the job's failure.
   */
  String start(String sourceId, Optional<Instant> at, Optional<String> name);

  /**
   * The job's progress or outcome; a finished job is kept for an hour.
   *
   * @throws dev.opend1.core.D1Exception.DatabaseNotFound when there is no such job (or it expired)
   */
  Job job(String id);
}
