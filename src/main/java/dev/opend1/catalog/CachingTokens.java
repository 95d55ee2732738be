package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every request looks up its token, so bearer tokens and legacy keys are answered from memory for
 * at most a TTL ({@link CachingCatalog#TOKEN_TTL}) instead of from the catalog file. Tokens are
 * revoked by the CLI in another process, which this process cannot observe, so a revocation bites
 * within that time, never later. Unknown secrets are not cached: a token made by the CLI works at
 * once. Operator tokens are not cached: only {@code /status} asks, and a revocation should bite at
 * once.
 */
final class CachingTokens implements Tokens {

  private record CachedToken(ApiToken token, long expiresAtNanos) {}

  private final Tokens store;
  private final long ttlNanos;
  private final LongSupplier nanoTime;

  /** The tokens found, by the SHA-256 of their credentials. */
  private final ConcurrentHashMap<String, CachedToken> cache = new ConcurrentHashMap<>();

  /** A bearer secret found and its key in {@link #cache}. */
  private record BearerKey(String secret, String key) {}

  /**
   * The last bearer secret found, so that its SHA-256 is not worked out again on every request that
   * carries it (most requests to a server carry one of a few tokens): only the hashing is skipped,
   * the token is still looked up in {@link #cache} by that key, so its TTL and a revocation bite
   * exactly as before. Compared in constant time ({@link Secrets#sameText}).
   */
  private volatile BearerKey lastBearer;

  CachingTokens(Tokens store, Duration ttl, LongSupplier nanoTime) {
    this.store = store;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  @Override
  public Optional<ApiToken> findBearer(String secret) {
    BearerKey last = lastBearer;
    boolean known = last != null && Secrets.sameText(last.secret(), secret);
    String key = known ? last.key() : keyOf("bearer\0" + secret);
    Optional<ApiToken> found = cached(key, () -> store.findBearer(secret));
    if (found.isPresent() && !known) {
      lastBearer = new BearerKey(secret, key);
    } else if (found.isEmpty() && known) {
      lastBearer = null; // revoked: its secret is not kept
    }
    return found;
  }

  @Override
  public Optional<ApiToken> findLegacyKey(String email, String key) {
    return cached(keyOf("legacy\0" + email + "\0" + key), () -> store.findLegacyKey(email, key));
  }

  /**
   * The key of {@code credentials} in {@link #cache}: their SHA-256, so the map holds no secret,
   * like the catalog file.
   */
  private static String keyOf(String credentials) {
    return HexFormat.of().formatHex(Secrets.hash(credentials));
  }

  /** A token from the cache while it is fresh, else from the store. */
  private Optional<ApiToken> cached(String key, Supplier<Optional<ApiToken>> lookup) {
    long now = nanoTime.getAsLong();
    CachedToken hit = cache.get(key);
    if (hit != null && now - hit.expiresAtNanos() < 0) {
      return Optional.of(hit.token());
    }
    Optional<ApiToken> found = lookup.get();
    if (found.isPresent()) {
      CachingCatalog.bound(cache);
      cache.put(key, new CachedToken(found.get(), now + ttlNanos));
    } else {
      cache.remove(key);
    }
    return found;
  }

  @Override
  public boolean revoke(String tokenId) {
    try {
      return store.revoke(tokenId);
    } finally {
      cache.clear();
      lastBearer = null;
    }
  }

  // --- the rest goes straight to the store ------------------------------------------------------

  @Override
  public IssuedToken create(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    return store.create(account, name, permission, legacyEmail);
  }

  @Override
  public ApiToken ensure(AccountId account, String secret, String name, Permission permission) {
    return store.ensure(account, secret, name, permission);
  }

  @Override
  public List<ApiToken> list() {
    return store.list();
  }

  @Override
  public OperatorToken.Issued createOperator(String name) {
    return store.createOperator(name);
  }

  @Override
  public List<OperatorToken> operators() {
    return store.operators();
  }

  @Override
  public Optional<OperatorToken> findOperator(String secret) {
    return store.findOperator(secret);
  }
}
