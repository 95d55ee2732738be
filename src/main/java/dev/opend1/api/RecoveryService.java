package dev.opend1.api;

import dev.opend1.catalog.DatabaseRecord;
import java.time.Instant;
import java.util.Optional;

/** What {@code POST /recover} needs: one database from object storage, as a new database. */
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
}
