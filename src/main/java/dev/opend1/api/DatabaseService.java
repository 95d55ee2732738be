package dev.opend1.api;

import dev.opend1.catalog.DatabasePage;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.AccountId;
import dev.opend1.core.Region;
import dev.opend1.engine.DatabaseStats;
import java.util.Optional;

/**
 * What the database routes need: an account's databases, found, listed, created, changed and
 * deleted. Every other account-scoped route group finds its database here too ({@link #resolve}).
 */
public interface DatabaseService {

  /** What a create request asks for, validated. */
  record NewDatabase(
      String name,
      Optional<Region> locationHint,
      Optional<String> jurisdiction,
      String readReplicationMode) {}

  /**
   * Creates a database, visible once its files exist.
   *
   * @throws dev.opend1.core.D1Exception.DuplicateName if the account has that name already
   * @throws dev.opend1.core.D1Exception.DatabaseLimitReached if the account has no room for another
   */
  DatabaseRecord create(AccountId account, NewDatabase spec);

  /**
   * Where a branch starts: a database of the same account (UUID or name) and exactly one of a
   * bookmark and a timestamp in its history, in the forms time travel takes them.
   */
  record BranchPoint(String database, Optional<String> bookmark, Optional<String> timestamp) {}

  /**
   * Creates a database whose first state is another database's state at a bookmark or a time (an
   * opend1 extension of create); the source is untouched and the new database's history starts
   * there. Otherwise as {@link #create}.
   *
   * @throws dev.opend1.core.D1Exception.DatabaseNotFound if the account has no such source
   * @throws dev.opend1.core.D1Exception.InvalidRequest for a bookmark or time time travel refuses
   */
  DatabaseRecord branch(AccountId account, NewDatabase spec, BranchPoint from);

  /**
   * A database of the account by UUID or by name: a UUID-shaped value is always an id, anything
   * else a name.
   *
   * @throws dev.opend1.core.D1Exception.DatabaseNotFound if the account has no such database
   */
  DatabaseRecord resolve(AccountId account, String idOrName);

  /**
   * A database's record, found as {@link #resolve} finds it but without asking whether this node
   * serves it: for deciding where a request goes (a cluster member's forwarding and read replicas).
   *
   * @throws dev.opend1.core.D1Exception.DatabaseNotFound if the account has no such database
   */
  DatabaseRecord find(AccountId account, String idOrName);

  /** A page of the account's databases, oldest first, filtered by a substring of the name. */
  DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage);

  /** The database's size and number of tables now. */
  DatabaseStats stats(DatabaseRecord db);

  /** Sets the read replication mode and returns the record as it is now. */
  DatabaseRecord setReadReplication(DatabaseRecord db, String mode);

  /** Deletes the database, its files and its history. */
  void delete(DatabaseRecord db);
}
