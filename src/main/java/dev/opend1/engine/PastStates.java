package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Past states of databases, made on demand for reads as of a bookmark and kept, least recently used
 * first, within a bound on the disk they add ({@code --past-state-cache-bytes}).
 *
 * <p>A past state is a directory of its own under {@code DATA_DIR/past/}: the image's base (a
 * history snapshot, which is never modified) hard-linked as {@code db.sqlite}, and the pages the
 * history changed after that snapshot written as {@code db.sqlite-wal} ({@link WalImage}). SQLite
 * opens it read-only, so the base is never written: a read-only connection cannot checkpoint, and
 * the shared-memory index it builds from the log goes into the directory's own {@code -shm}. Making
 * a state costs the pages changed since the snapshot before it, not the database's size; a snapshot
 * that cannot be linked (another file system, a history without a local file, or linked already by
 * a state in use: see {@link #claimBase}) is copied, and then counts against the bound. A state in
 * use is never evicted; the cache may run over its bound while every state is in use. The directory
 * is emptied at start.
 */
final class PastStates implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PastStates.class);

  /** States kept at most, whatever their size: each may hold a few open files. */
  static final int MAX_STATES = 64;

  /** Read connections per past state. */
  private static final int READERS = 2;

  /** A state's identity: its database and the bookmark (canonical form) it is the state at. */
  private record Key(DatabaseId id, String bookmark) {}

  /** One cached state; its fields other than {@link #ready} are guarded by {@link #lock}. */
  private static final class Entry {
    final Path dir;
    final CompletableFuture<DatabaseHandle> ready = new CompletableFuture<>();
    long bytes;
    int users;
    boolean dropped;

    /** The snapshot its base is a hard link of, or null (a copy). */
    Path linkedTo;

    Entry(Path dir) {
      this.dir = dir;
    }
  }

  private final Path root;
  private final long maxBytes;
  private final SqlLimits limits;
  private final Executor workers;
  private final EngineCounters counters;

  /** Guards {@link #states} and {@link #bytes}; held for map operations only. */
  private final Object lock = new Object();

  private final LinkedHashMap<Key, Entry> states = new LinkedHashMap<>(16, 0.75f, true);

  /** States taken out of {@link #states} whose files go once no request uses them. */
  private final List<Entry> retired = new ArrayList<>();

  /** Disk the cached states add (logs, copied bases). */
  private long bytes;

  /** Names each state's directory uniquely within this run. */
  private final AtomicLong names = new AtomicLong();

  PastStates(
      Path root, long maxBytes, SqlLimits limits, Executor workers, EngineCounters counters) {
    this.root = root;
    this.maxBytes = maxBytes;
    this.limits = limits;
    this.workers = workers;
    this.counters = counters;
    try {
      DurableFiles.deleteTree(root);
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("clear " + root + ": " + e.getMessage(), e);
    }
  }

  /** A past state in use until {@link #leave}: its handle has read connections only. */
  record Lease(DatabaseHandle handle, Object entry) {}

  /**
   * The state of {@code id} at {@code bookmark}, made from {@code image} unless it is cached. Call
   * {@link #leave} when done.
   */
  Lease enter(DatabaseId id, String bookmark, Supplier<StateImage> image) {
    Key key = new Key(id, bookmark);
    Entry e;
    boolean build = false;
    synchronized (lock) {
      e = states.get(key);
      if (e == null) {
        e = new Entry(root.resolve(Long.toString(names.incrementAndGet())));
        states.put(key, e);
        build = true;
      }
      e.users++;
    }
    if (build) {
      build(key, e, image);
    }
    try {
      return new Lease(e.ready.join(), e);
    } catch (RuntimeException failed) {
      leave(new Lease(null, e));
      throw failed.getCause() instanceof RuntimeException r ? r : failed;
    }
  }

  /** Runs a read-only plan on the state at {@code at}; a statement that writes is refused. */
  void execute(
      DatabaseId id, Bookmark at, Supplier<StateImage> image, QueryPlan plan, ResultSink sink) {
    if (plan.needsWriter) {
      throw readOnly(at);
    }
    Lease lease = enter(id, at.toString(), image);
    try {
      if (Waits.await(
          CompletableFuture.supplyAsync(
              () -> Execution.onReader(lease.handle(), plan, sink, limits), workers))) {
        throw readOnly(at);
      }
    } finally {
      leave(lease);
    }
  }

  /** An export's read transaction over the state at {@code at}. */
  <T> T snapshotRead(
      DatabaseId id,
      Bookmark at,
      Supplier<StateImage> image,
      Runnable atSnapshot,
      ExportWork<T> work) {
    Lease lease = enter(id, at.toString(), image);
    try {
      return Waits.await(
          CompletableFuture.supplyAsync(
              () -> Execution.snapshotRead(lease.handle(), atSnapshot, work), workers));
    } finally {
      leave(lease);
    }
  }

  /**
   * Runs a diff's work on the states at {@code from} and {@code to}, both in use meanwhile (each
   * made from {@code images} unless cached); the work's connection opens their files read-only.
   */
  <T> T diff(
      DatabaseId id,
      Bookmark from,
      Bookmark to,
      Function<Bookmark, StateImage> images,
      StateDiff.Work<T> work) {
    Lease older = enter(id, from.toString(), () -> images.apply(from));
    try {
      Lease newer = enter(id, to.toString(), () -> images.apply(to));
      try {
        Path a = older.handle().file;
        Path b = newer.handle().file;
        return Waits.await(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return StateDiff.run(a, b, work);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                workers));
      } finally {
        leave(newer);
      }
    } finally {
      leave(older);
    }
  }

  /** What a write in a request as of a bookmark gets: SQLite's own words, and why. */
  static D1Exception readOnly(Bookmark at) {
    return new D1Exception.SqlFailed(
        "attempt to write a readonly database: this request reads the state at bookmark "
            + at
            + " (its bookmark or timestamp parameter makes it read-only): SQLITE_READONLY");
  }

  /** Ends a use of a state; evicts what is over the bound. */
  void leave(Lease lease) {
    Entry e = (Entry) lease.entry();
    synchronized (lock) {
      e.users--;
    }
    evict();
  }

  /** Drops every cached state of a database (it is being deleted). */
  void forget(DatabaseId id) {
    synchronized (lock) {
      states
          .entrySet()
          .removeIf(
              s -> {
                if (s.getKey().id().equals(id)) {
                  retire(s.getValue());
                  return true;
                }
                return false;
              });
    }
    evict();
  }

  /** Disk the cached states add now. */
  long bytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /** States cached now. */
  int size() {
    synchronized (lock) {
      return states.size();
    }
  }

  private void build(Key key, Entry e, Supplier<StateImage> images) {
    try {
      StateImage image = images.get();
      Files.createDirectories(e.dir);
      Path base = e.dir.resolve("db.sqlite");
      long added;
      if (claimBase(e, image.baseFile()) && link(image.baseFile(), base)) {
        added = WalImage.write(image, base, DataLayout.wal(base));
      } else {
        synchronized (lock) {
          e.linkedTo = null;
        }
        try (FileChannel out =
            FileChannel.open(
                base,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
          ImageWriter.write(image, out);
          added = out.size();
        }
      }
      synchronized (lock) {
        e.bytes = added;
        if (!e.dropped) {
          bytes += added;
        }
      }
      e.ready.complete(DatabaseHandle.past(key.id(), base, limits, workers, READERS, counters));
    } catch (IOException | RuntimeException failed) {
      synchronized (lock) {
        if (states.remove(key, e)) {
          retire(e);
        }
      }
      // A damaged history answers as such (D1Exception.HistoryDamaged, the cause of the
      // history's IOException); other failures to build are the server's.
      e.ready.completeExceptionally(
          failed instanceof IOException io
              ? D1Exception.HistoryDamaged.orElse(
                  io,
                  () ->
                      new EngineException(
                          "build the state of " + key.id() + " at " + key.bookmark() + ": " + io,
                          io))
              : failed);
    }
  }

  /**
   * Makes {@code e} the one state whose base is a link of {@code snapshot}: SQLite knows an open
   * file by its inode, and keeps one shared-memory WAL index per inode, so two states open over
   * links of one snapshot would read each other's logs through it. An unused state holding the link
   * is closed and deleted first; a state in use keeps it, and {@code e} gets a copy (false).
   */
  private boolean claimBase(Entry e, Optional<Path> snapshot) {
    if (snapshot.isEmpty()) {
      return false;
    }
    Entry holder = null;
    synchronized (lock) {
      for (Entry other : allLocked()) {
        if (other != e && snapshot.get().equals(other.linkedTo)) {
          if (other.users > 0 || !other.ready.isDone()) {
            return false;
          }
          holder = other;
        }
      }
      if (holder != null) {
        states.values().remove(holder);
        if (!holder.dropped) {
          retire(holder);
        }
        retired.remove(holder);
      }
      e.linkedTo = snapshot.get();
    }
    if (holder != null) {
      discard(holder);
    }
    return true;
  }

  /** Every state, cached or retired. Lock held. */
  private List<Entry> allLocked() {
    List<Entry> all = new ArrayList<>(states.values());
    all.addAll(retired);
    return all;
  }

  /** Hard-links the image's base file; false when there is none or it cannot be linked. */
  private static boolean link(Optional<Path> baseFile, Path to) {
    if (baseFile.isEmpty()) {
      return false;
    }
    try {
      Files.createLink(to, baseFile.get());
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot link {} ({}); copying it", baseFile.get(), e.getMessage());
      return false;
    }
  }

  /** Takes a state out of the count; its files go once it is unused. Lock held. */
  private void retire(Entry e) {
    e.dropped = true;
    bytes -= e.bytes;
    retired.add(e);
  }

  /** Closes and deletes unused states past the bound, least recently used first. */
  private void evict() {
    List<Entry> gone = new ArrayList<>();
    synchronized (lock) {
      Iterator<Map.Entry<Key, Entry>> it = states.entrySet().iterator();
      int count = states.size();
      while (it.hasNext() && (bytes > maxBytes || count > MAX_STATES)) {
        Entry e = it.next().getValue();
        if (e.users == 0 && e.ready.isDone()) {
          it.remove();
          retire(e);
          count--;
        }
      }
      for (Iterator<Entry> r = retired.iterator(); r.hasNext(); ) {
        Entry e = r.next();
        if (e.users == 0 && e.ready.isDone()) {
          r.remove();
          gone.add(e);
        }
      }
    }
    for (Entry e : gone) {
      discard(e);
    }
  }

  private static void discard(Entry e) {
    // A state whose build failed has no handle (getNow would throw its failure, and its directory
    // would stay behind).
    DatabaseHandle h = e.ready.state() == Future.State.SUCCESS ? e.ready.resultNow() : null;
    if (h != null) {
      h.close();
    }
    try {
      DurableFiles.deleteTree(e.dir);
    } catch (IOException ex) {
      LOG.warn("delete past state {}: {}", e.dir, ex.getMessage());
    }
  }

  /** Closes every state and deletes its files (the engine is closing). */
  @Override
  public void close() {
    List<Entry> all;
    synchronized (lock) {
      all = new ArrayList<>(states.values());
      all.addAll(retired);
      states.clear();
      retired.clear();
      bytes = 0;
    }
    for (Entry e : all) {
      discard(e);
    }
  }
}
