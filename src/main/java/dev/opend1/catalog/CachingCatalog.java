package dev.opend1.catalog;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The server's catalog: every request looks up its token and its database, so those two lookups are
 * answered from memory ({@link CachingTokens}, {@link CachingDatabaseRecords}) instead of the
 * catalog file, whose one connection is a lock every request would otherwise queue on. Accounts go
 * straight to the store.
 *
 * <p>Database records are cached only in a catalog of this server's own: in a shared one
 * (PostgreSQL) other nodes delete databases and change their settings, which no cache here would
 * hear of, so every lookup asks the store (a pooled connection, no lock to queue on).
 */
public final class CachingCatalog implements Catalog {

  /** Entries past which a cache is emptied rather than grown (a bound, not a working-set size). */
  private static final int MAX_ENTRIES = 100_000;

  /** The longest a revoked token keeps working in a running server. */
  public static final Duration TOKEN_TTL = Duration.ofSeconds(1);

  private final Catalog store;
  private final Tokens tokens;
  private final DatabaseRecords databases;

  public CachingCatalog(Catalog store) {
    this(store, TOKEN_TTL, System::nanoTime);
  }

  CachingCatalog(Catalog store, Duration tokenTtl, LongSupplier nanoTime) {
    this.store = store;
    this.tokens = new CachingTokens(store.tokens(), tokenTtl, nanoTime);
    this.databases =
        store.sharedDatabase().isPresent()
            ? store.databases()
            : new CachingDatabaseRecords(store.databases());
  }

  @Override
  public Accounts accounts() {
    return store.accounts();
  }

  @Override
  public Tokens tokens() {
    return tokens;
  }

  @Override
  public DatabaseRecords databases() {
    return databases;
  }

  @Override
  public java.util.Optional<javax.sql.DataSource> sharedDatabase() {
    return store.sharedDatabase();
  }

  /** Empties a cache that reached {@link #MAX_ENTRIES}. */
  static void bound(ConcurrentHashMap<?, ?> cache) {
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
