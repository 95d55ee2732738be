package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's catalog: every request looks up its token and its database, so those two lookups are
 * answered from memory instead of the catalog file (whose one connection is a lock every request
 * would otherwise queue on).
 *
 * <ul>
 *   <li>Tokens are cached for at most {@link #TOKEN_TTL}. Tokens are revoked by the CLI in another
 *       process, which this process cannot observe, so a revocation bites within that time, never
 *       later. Unknown secrets are not cached: a token made by the CLI works at once.
 *   <li>Database records change only through this process (the CLI never touches them), so they are
 *       cached until this catalog changes one: any delete or update empties the cache. Misses are
 *       not cached, so a new database is found at once.
 * </ul>
 */
public final class CachingCatalog implements Catalog {

  /** Entries past which a cache is emptied rather than grown (a bound, not a working-set size). */
  private static final int MAX_ENTRIES = 100_000;

  private record CachedToken(ApiToken token, long expiresAtNanos) {}

  private record ById(AccountId account, DatabaseId id) {}

  private record ByName(AccountId account, String name) {}

  private final Catalog store;
  private final long tokenTtlNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, CachedToken> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Object, DatabaseRecord> databases = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  /** The longest a revoked token keeps working in a running server. */
  public static final Duration TOKEN_TTL = Duration.ofSeconds(1);

  public CachingCatalog(Catalog store) {
    this(store, TOKEN_TTL, System::nanoTime);
  }

  CachingCatalog(Catalog store, Duration tokenTtl, LongSupplier nanoTime) {
    this.store = store;
    this.tokenTtlNanos = tokenTtl.toNanos();
    this.nanoTime = nanoTime;
  }

  // --- the cached lookups -----------------------------------------------------------------------

  @Override
  public Optional<ApiToken> findBearerToken(String secret) {
    return cachedToken("bearer\0" + secret, () -> store.findBearerToken(secret));
  }

  @Override
  public Optional<ApiToken> findLegacyKey(String email, String key) {
    return cachedToken("legacy\0" + email + "\0" + key, () -> store.findLegacyKey(email, key));
  }

  /**
   * A token from the cache while it is fresh, else from the store. The key is stored only as its
   * SHA-256, like the secrets in the catalog file.
   */
  private Optional<ApiToken> cachedToken(String credentials, Supplier<Optional<ApiToken>> lookup) {
    String key = HexFormat.of().formatHex(Secrets.hash(credentials));
    long now = nanoTime.getAsLong();
    CachedToken cached = tokens.get(key);
    if (cached != null && now - cached.expiresAtNanos() < 0) {
      return Optional.of(cached.token());
    }
    Optional<ApiToken> found = lookup.get();
    if (found.isPresent()) {
      bound(tokens);
      tokens.put(key, new CachedToken(found.get(), now + tokenTtlNanos));
    } else {
      tokens.remove(key);
    }
    return found;
  }

  @Override
  public Optional<DatabaseRecord> database(AccountId account, DatabaseId id) {
    return cachedDatabase(new ById(account, id), () -> store.database(account, id));
  }

  @Override
  public Optional<DatabaseRecord> databaseByName(AccountId account, String name) {
    return cachedDatabase(new ByName(account, name), () -> store.databaseByName(account, name));
  }

  /**
   * A record from the cache, else from the store, cached unless a change ran meanwhile: a change
   * moves {@link #generation} before it empties the cache, so a lookup that read the old record
   * either has its entry emptied or sees the new generation and takes it out again.
   */
  private Optional<DatabaseRecord> cachedDatabase(
      Object key, Supplier<Optional<DatabaseRecord>> lookup) {
    DatabaseRecord cached = databases.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    long before = generation.get();
    Optional<DatabaseRecord> found = lookup.get();
    if (found.isPresent()) {
      bound(databases);
      databases.put(key, found.get());
      if (generation.get() != before) {
        databases.remove(key);
      }
    }
    return found;
  }

  /** Called after every change to database records. */
  private void databasesChanged() {
    generation.incrementAndGet();
    databases.clear();
  }

  private static void bound(ConcurrentHashMap<?, ?> cache) {
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
  }

  // --- changes that make cached records stale ---------------------------------------------------

  @Override
  public Optional<DatabaseRecord> setReadReplication(
      AccountId account, DatabaseId id, String mode) {
    try {
      return store.setReadReplication(account, id, mode);
    } finally {
      databasesChanged();
    }
  }

  @Override
  public void markDeleting(DatabaseId id) {
    try {
      store.markDeleting(id);
    } finally {
      databasesChanged();
    }
  }

  @Override
  public void removeDatabase(DatabaseId id) {
    try {
      store.removeDatabase(id);
    } finally {
      databasesChanged();
    }
  }

  @Override
  public boolean revokeToken(String tokenId) {
    try {
      return store.revokeToken(tokenId);
    } finally {
      tokens.clear();
    }
  }

  @Override
  public OperatorToken.Issued createOperatorToken(String name) {
    return store.createOperatorToken(name);
  }

  @Override
  public List<OperatorToken> operatorTokens() {
    return store.operatorTokens();
  }

  /** Not cached: only {@code /status} asks, and a revocation should bite at once. */
  @Override
  public Optional<OperatorToken> findOperatorToken(String secret) {
    return store.findOperatorToken(secret);
  }

  // --- the rest goes straight to the store ------------------------------------------------------

  @Override
  public Account createAccount(String name) {
    return store.createAccount(name);
  }

  @Override
  public Account ensureAccount(AccountId id, String name) {
    return store.ensureAccount(id, name);
  }

  @Override
  public Optional<Account> account(AccountId id) {
    return store.account(id);
  }

  @Override
  public List<Account> accounts() {
    return store.accounts();
  }

  @Override
  public IssuedToken createToken(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    return store.createToken(account, name, permission, legacyEmail);
  }

  @Override
  public ApiToken ensureToken(
      AccountId account, String secret, String name, Permission permission) {
    return store.ensureToken(account, secret, name, permission);
  }

  @Override
  public List<ApiToken> tokens() {
    return store.tokens();
  }

  @Override
  public void reserveDatabase(DatabaseRecord record, int limit) {
    store.reserveDatabase(record, limit);
  }

  @Override
  public void activateDatabase(DatabaseId id) {
    store.activateDatabase(id);
  }

  @Override
  public DatabasePage listDatabases(
      AccountId account, Optional<String> nameFilter, int page, int perPage) {
    return store.listDatabases(account, nameFilter, page, perPage);
  }

  @Override
  public List<DatabaseId> unfinishedDatabases() {
    return store.unfinishedDatabases();
  }

  @Override
  public void close() {
    store.close();
  }
}
