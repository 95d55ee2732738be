package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import java.util.List;
import java.util.Optional;

/**
 * Accounts, API tokens and database records. The embedded implementation is {@link SqliteCatalog};
 * a PostgreSQL one can satisfy the same contract for the cluster shape.
 *
 * <p>Database records have a two-step life so a crash never leaves a half-made database visible:
 * {@link #reserveDatabase} claims the name (state "creating"), {@link #activateDatabase} makes it
 * visible once its files exist. Deleting is the mirror image: {@link #markDeleting} hides it (the
 * name stays taken), the files go, then {@link #removeDatabase} frees the name. Startup finishes
 * whatever {@link #unfinishedDatabases} reports.
 */
public interface Catalog extends AutoCloseable {

  /** Creates an account with a random id. */
  Account createAccount(String name);

  /** Makes sure the account exists (idempotent). */
  Account ensureAccount(AccountId id, String name);

  Optional<Account> account(AccountId id);

  List<Account> accounts();

  /**
   * Creates a token with a fresh random secret.
   *
   * @param legacyEmail for a legacy API key, the email it pairs with
   */
  IssuedToken createToken(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail);

  /** Makes sure a bearer token with this exact secret exists for the account (idempotent). */
  ApiToken ensureToken(AccountId account, String secret, String name, Permission permission);

  /** All tokens, oldest first. */
  List<ApiToken> tokens();

  /** Revokes a token (an account's or an operator's) by id; false when there is no such token. */
  boolean revokeToken(String tokenId);

  /** Creates an operator token ({@code /status}, the online doctor) with a fresh random secret. */
  OperatorToken.Issued createOperatorToken(String name);

  /** All operator tokens, oldest first. */
  List<OperatorToken> operatorTokens();

  /** The operator token with this secret, if any. */
  Optional<OperatorToken> findOperatorToken(String secret);

  /** The bearer token with this secret, if any. */
  Optional<ApiToken> findBearerToken(String secret);

  /** The legacy API key with this email and key, if any. */
  Optional<ApiToken> findLegacyKey(String email, String key);

  /**
   * Claims a name for a new database, not yet visible.
   *
   * @throws dev.opend1.core.D1Exception.DuplicateName if the account has that name already
   * @throws dev.opend1.core.D1Exception.DatabaseLimitReached past {@code limit} databases
   */
  void reserveDatabase(DatabaseRecord record, int limit);

  /** Makes a reserved database visible. */
  void activateDatabase(DatabaseId id);

  /** A visible database of the account by id. */
  Optional<DatabaseRecord> database(AccountId account, DatabaseId id);

  /** A visible database of the account by exact, case-sensitive name. */
  Optional<DatabaseRecord> databaseByName(AccountId account, String name);

  /**
   * A page of the account's visible databases, oldest first (creation time, then id).
   *
   * @param nameFilter case-insensitive substring of the name, if given
   * @param page 1-based page number
   */
  DatabasePage listDatabases(AccountId account, Optional<String> nameFilter, int page, int perPage);

  /** Sets the read replication mode; returns the updated record, or empty if not found. */
  Optional<DatabaseRecord> setReadReplication(AccountId account, DatabaseId id, String mode);

  /** Hides a database before its files are removed; its name stays taken until removal. */
  void markDeleting(DatabaseId id);

  /** Removes a database record in any state, freeing its name. */
  void removeDatabase(DatabaseId id);

  /** Records a crash left "creating" or "deleting": startup removes them and their files. */
  List<DatabaseId> unfinishedDatabases();

  @Override
  void close();
}
