package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every request looks up its database, so records found by id or by name are answered from memory.
 * Database records change only through this process (the CLI never touches them), so they are
 * cached until this catalog changes one: any delete or update empties the cache. Misses are not
 * cached, so a new database is found at once.
 */
final class CachingDatabaseRecords implements DatabaseRecords {

  private record ById(AccountId account, DatabaseId id) {}

  private record ByName(AccountId account, String name) {}

  private final DatabaseRecords store;

  /** The records found, by {@link ById} and by {@link ByName}. */
  private final ConcurrentHashMap<Object, DatabaseRecord> cache = new ConcurrentHashMap<>();

  /** Moved by every change, before the cache is emptied (see {@link #cached}). */
  private final AtomicLong generation = new AtomicLong();

  CachingDatabaseRecords(DatabaseRecords store) {
    this.store = store;
  }

  @Override
  public Optional<DatabaseRecord> find(AccountId account, DatabaseId id) {
    return cached(new ById(account, id), () -> store.find(account, id));
  }

  @Override
  public Optional<DatabaseRecord> findByName(AccountId account, String name) {
    return cached(new ByName(account, name), () -> store.findByName(account, name));
  }

  /**
   * A record from the cache, else from the store, cached unless a change ran meanwhile: a change
   * moves {@link #generation} before it empties the cache, so a lookup that read the old record
   * either has its entry emptied or sees the new generation and takes it out again.
   */
  private Optional<DatabaseRecord> cached(Object key, Supplier<Optional<DatabaseRecord>> lookup) {
    DatabaseRecord hit = cache.get(key);
    if (hit != null) {
      return Optional.of(hit);
    }
    long before = generation.get();
    Optional<DatabaseRecord> found = lookup.get();
    if (found.isPresent()) {
      CachingCatalog.bound(cache);
      cache.put(key, found.get());
      if (generation.get() != before) {
        cache.remove(key);
      }
    }
    return found;
  }

  /** Called after every change to database records. */
  private void changed() {
    generation.incrementAndGet();
    cache.clear();
  }

  // --- changes that make cached records stale ---------------------------------------------------

  @Override
  public Optional<DatabaseRecord> setReadReplication(
      AccountId account, DatabaseId id, String mode) {
    try {
      return store.setReadReplication(account, id, mode);
    } finally {
      changed();
    }
  }

  @Override
  public void markDeleting(DatabaseId id) {
    try {
      store.markDeleting(id);
    } finally {
      changed();
    }
  }

  @Override
  public void remove(DatabaseId id) {
    try {
      store.remove(id);
    } finally {
      changed();
    }
  }

  // --- the rest goes straight to the store ------------------------------------------------------

  @Override
  public void reserve(DatabaseRecord record, int limit) {
    store.reserve(record, limit);
  }

  @Override
  public void activate(DatabaseId id) {
    store.activate(id);
  }

  @Override
  public DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage) {
    return store.list(account, nameFilter, page, perPage);
  }

  @Override
  public List<DatabaseId> unfinished() {
    return store.unfinished();
  }
}
