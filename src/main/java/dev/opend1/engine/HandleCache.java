package dev.opend1.engine;

import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The open databases, least recently used first. Past {@code maxOpen} handles, idle ones (no
 * request using them, no write queued) are closed, and so are handles unused for a while ({@link
 * #closeIdle}), so 10,000 databases that were each used once hold no connections. Handles in use
 * are never closed under a request; the cache may run over its size while every handle is busy.
 */
final class HandleCache {

  /** Guards {@link #open}; held only for map operations, never while a handle closes. */
  private final Object lock = new Object();

  private final LinkedHashMap<DatabaseId, DatabaseHandle> open =
      new LinkedHashMap<>(64, 0.75f, true);

  /** Databases whose handle was taken out of {@link #open} and is closing now. */
  private final Map<DatabaseId, CountDownLatch> closing = new HashMap<>();

  private final int maxOpen;
  private final Function<DatabaseId, Path> files;
  private final SqlLimits limits;
  private final Executor workers;
  private final int maxReaders;
  private final CommitHook hook;
  private final EngineCounters counters;

  HandleCache(
      int maxOpen,
      Function<DatabaseId, Path> files,
      SqlLimits limits,
      CommitHook hook,
      Executor workers,
      int maxReaders,
      EngineCounters counters) {
    this.counters = counters;
    this.hook = hook;
    this.maxOpen = maxOpen;
    this.files = files;
    this.limits = limits;
    this.workers = workers;
    this.maxReaders = maxReaders;
  }

  /** The database's handle, opened if needed, counted as in use until {@link #release}. */
  DatabaseHandle acquire(DatabaseId id) {
    List<DatabaseHandle> evicted;
    DatabaseHandle h;
    synchronized (lock) {
      // A handle of this database that is still closing keeps its writer until it is done: wait,
      // so two writers never run on one file.
      for (CountDownLatch c; (c = closing.get(id)) != null; ) {
        awaitClosed(c);
      }
      h = open.get(id);
      if (h == null) {
        h = new DatabaseHandle(id, files.apply(id), limits, hook, workers, maxReaders, counters);
        open.put(id, h);
      }
      h.users.incrementAndGet();
      evicted = evictIdle();
    }
    closeOutsideLock(evicted);
    return h;
  }

  /** Waits (releasing {@link #lock}) until a closing handle is closed. Holds the lock on return. */
  private void awaitClosed(CountDownLatch closed) {
    while (closed.getCount() > 0) {
      try {
        lock.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException("interrupted while a database closed", e);
      }
    }
  }

  /** Closes handles taken out of the map (and marked in {@link #closing}), then unmarks them. */
  private void closeOutsideLock(List<DatabaseHandle> handles) {
    for (DatabaseHandle h : handles) {
      try {
        h.close();
      } finally {
        synchronized (lock) {
          closing.remove(h.id).countDown();
          lock.notifyAll();
        }
      }
    }
  }

  /**
   * The database's handle with its gate's read lock held (for a request). A handle closed while the
   * request waited for the lock is left for a fresh one, so no request ever reopens connections on
   * a handle the cache no longer holds (which could make a second writer).
   */
  DatabaseHandle enter(DatabaseId id) {
    while (true) {
      DatabaseHandle h = acquire(id);
      h.gate.readLock().lock();
      if (!h.closed) {
        return h;
      }
      h.gate.readLock().unlock();
      release(h);
    }
  }

  void release(DatabaseHandle h) {
    h.lastUsedNanos = System.nanoTime();
    h.users.decrementAndGet();
  }

  /**
   * Closes the handles nothing has used for {@code idleNanos}: no request, no queued write. Returns
   * how many it closed.
   */
  int closeIdle(long idleNanos) {
    List<DatabaseHandle> idle = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (lock) {
      Iterator<DatabaseHandle> it = open.values().iterator();
      while (it.hasNext()) {
        DatabaseHandle h = it.next();
        if (h.users.get() == 0 && h.writes.pending() == 0 && now - h.lastUsedNanos >= idleNanos) {
          it.remove();
          closing.put(h.id, new CountDownLatch(1));
          idle.add(h);
        }
      }
    }
    closeOutsideLock(idle);
    return idle.size();
  }

  /** Number of open handles. */
  int size() {
    synchronized (lock) {
      return open.size();
    }
  }

  /**
   * Removes a database's handle and closes it once its requests are done (waiting up to {@code
   * waitMillis}), before its files are removed or replaced.
   */
  void close(DatabaseId id, long waitMillis) {
    DatabaseHandle h;
    synchronized (lock) {
      h = open.remove(id);
      if (h != null) {
        closing.put(id, new CountDownLatch(1));
      }
    }
    if (h != null) {
      closeRemoved(h, waitMillis);
    }
  }

  /**
   * Like {@link #close}, but only while the cache still holds this very handle: a request that
   * found its handle unusable must not close a newer one another request opened since.
   */
  void closeIfCurrent(DatabaseHandle h, long waitMillis) {
    synchronized (lock) {
      if (!open.remove(h.id, h)) {
        return;
      }
      closing.put(h.id, new CountDownLatch(1));
    }
    closeRemoved(h, waitMillis);
  }

  /**
   * Closes a handle taken out of the map and marked in {@link #closing}, once its requests are done
   * (waiting up to {@code waitMillis}), then unmarks it. Until then {@link #acquire} waits rather
   * than open the database again: a fresh handle may rebuild the file (after a commit that could
   * not be made durable) under the old one's connections, which then read a file changing beneath
   * them (SQLITE_IOERR).
   */
  private void closeRemoved(DatabaseHandle h, long waitMillis) {
    h.closed = true;
    // Requests hold the gate's read lock while they run: its write lock means none is running.
    boolean quiet = false;
    try {
      quiet = h.gate.writeLock().tryLock(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      h.close();
    } finally {
      if (quiet) {
        h.gate.writeLock().unlock();
      }
      synchronized (lock) {
        closing.remove(h.id).countDown();
        lock.notifyAll();
      }
    }
  }

  /** Closes every handle (at shutdown). */
  void closeAll() {
    List<DatabaseHandle> all;
    synchronized (lock) {
      all = new ArrayList<>(open.values());
      open.clear();
    }
    all.forEach(DatabaseHandle::close);
  }

  /** Takes idle handles out of the map while it is over size; the caller closes them. */
  private List<DatabaseHandle> evictIdle() {
    List<DatabaseHandle> evicted = new ArrayList<>();
    Iterator<Map.Entry<DatabaseId, DatabaseHandle>> it = open.entrySet().iterator();
    while (open.size() > maxOpen && it.hasNext()) {
      DatabaseHandle h = it.next().getValue();
      if (h.users.get() == 0 && h.writes.pending() == 0) {
        it.remove();
        closing.put(h.id, new CountDownLatch(1));
        evicted.add(h);
      }
    }
    return evicted;
  }
}
