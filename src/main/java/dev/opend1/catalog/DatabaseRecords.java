package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Optional;

/**
 * The record of each database: its name in its account, where it was created, its settings.
 *
 * <p>A record has a two-step life so a crash never leaves a half-made database visible: {@link
 * #reserve} claims the name (state "creating"), {@link #activate} makes it visible once its files
 * exist. Deleting is the mirror image: {@link #markDeleting} hides it (the name stays taken), the
 * files go, then {@link #remove} frees the name. Startup finishes whatever {@link #unfinished}
 * reports.
 */
public interface DatabaseRecords {

  /**
   * Claims a name for a new database, not yet visible.
   *
   * @throws dev.opend1.core.D1Exception.DuplicateName if the account has that name already
   * @throws dev.opend1.core.D1Exception.DatabaseLimitReached past {@code limit} databases
   */
  void reserve(DatabaseRecord record, int limit);

  /** Makes a reserved database visible. */
  void activate(DatabaseId id);

  /** A visible database of the account by id. */
  Optional<DatabaseRecord> find(AccountId account, DatabaseId id);

  /** A visible database of the account by exact, case-sensitive name. */
  Optional<DatabaseRecord> findByName(AccountId account, String name);

  /**
   * A page of the account's visible databases, oldest first (creation time, then id).
   *
   * @param nameFilter case-insensitive substring of the name, if given
   * @param page 1-based page number
   */
  DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage);

  /** Sets the read replication mode; returns the updated record, or empty if not found. */
  Optional<DatabaseRecord> setReadReplication(AccountId account, DatabaseId id, String mode);

  /** Hides a database before its files are removed; its name stays taken until removal. */
  void markDeleting(DatabaseId id);

  /** Removes a database record in any state, freeing its name. */
  void remove(DatabaseId id);

  /**
   * Records a crash left "creating" or "deleting": startup removes them and their files. In a
   * catalog several nodes share, only those this node started (another node's may be running).
   */
  List<DatabaseId> unfinished();
}
