package dev.opend1.history;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Follower}s of a cluster node: one per database it answers as a read replica, started
 * at the first such read and polling the bucket from then on, each in a directory of its own under
 * {@code DATA_DIR/replicas/} (emptied at start: a copy is laid down again from the bucket). Like
 * the engine's open databases they are bounded: past {@link #MAX_FOLLOWED} the least recently read
 * one is stopped, and one nobody read for {@link #IDLE} is stopped too, so a node that once read
 * 10,000 databases as a replica does not list the bucket for each of them every second forever.
 */
public final class Followers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Followers.class);

  /** How often each follower lists the bucket in the background. */
  public static final Duration POLL_EVERY = Duration.ofSeconds(1);

  /** At most this many databases are followed at once. */
  public static final int MAX_FOLLOWED = 256;

  /** A follower no read used for this long is stopped and its copy deleted. */
  public static final Duration IDLE = Duration.ofMinutes(5);

  /** A followed database: its follower, its directory, when a read last used it. */
  private static final class Followed {
    final Follower follower;
    final Path dir;
    long lastUsed;

    Followed(Follower follower, Path dir, long lastUsed) {
      this.follower = follower;
      this.dir = dir;
      this.lastUsed = lastUsed;
    }
  }

  private final ObjectStore store;
  private final Path root;
  private final int max;

  /** Runs every follower's background polls and the idle sweep; shut down at close. */
  private final ScheduledExecutorService polls;

  /** Guards {@link #followed} and {@link #made}; never held while a follower closes. */
  private final Object lock = new Object();

  /** The followed databases, least recently read first. */
  private final LinkedHashMap<DatabaseId, Followed> followed = new LinkedHashMap<>(16, 0.75f, true);

  /** Followers made so far: each gets a directory of its own, never one a stopped one still has. */
  private long made;

  /**
   * Followers reading {@code store}, with their copies under {@code root}, polling on {@code
   * polls}.
   */
  public Followers(ObjectStore store, Path root, ScheduledExecutorService polls) {
    this(store, root, polls, MAX_FOLLOWED);
  }

  /** As above, following at most {@code max} databases at once. */
  Followers(ObjectStore store, Path root, ScheduledExecutorService polls, int max) {
    this.max = max;
    this.store = store;
    this.root = root;
    this.polls = polls;
    try {
      if (Files.exists(root)) {
        DurableFiles.deleteTree(root);
      }
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("clear " + root + ": " + e.getMessage(), e);
    }
    long sweep = IDLE.toMillis() / 5;
    polls.scheduleWithFixedDelay(this::stopIdle, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  /** The follower of {@code id}, started at its first use; counts as read now. */
  public Follower of(DatabaseId id) {
    List<Followed> evicted = new ArrayList<>();
    Follower f;
    synchronized (lock) {
      Followed e = followed.get(id);
      if (e == null) {
        Path dir = root.resolve(id + "-" + ++made);
        e = new Followed(new Follower(id.toString(), store, dir), dir, 0);
        e.follower.start(polls, POLL_EVERY);
        followed.put(id, e);
        Iterator<Followed> eldest = followed.values().iterator();
        while (followed.size() > max) {
          evicted.add(eldest.next());
          eldest.remove();
        }
      }
      e.lastUsed = System.nanoTime();
      f = e.follower;
    }
    evicted.forEach(Followers::stop);
    return f;
  }

  /** The follower of {@code id} if this node follows it now; starts none. */
  public Optional<Follower> ifFollowed(DatabaseId id) {
    synchronized (lock) {
      Followed e = followed.get(id);
      return e == null ? Optional.empty() : Optional.of(e.follower);
    }
  }

  /** How many databases this node follows. */
  public int size() {
    synchronized (lock) {
      return followed.size();
    }
  }

  /** The largest lag of any follower: records and seconds, each the largest of its kind. */
  public Follower.Lag maxLag() {
    long records = 0;
    double seconds = 0;
    for (Follower.Lag l : lags().values()) {
      records = Math.max(records, l.records());
      seconds = Math.max(seconds, l.seconds());
    }
    return new Follower.Lag(records, seconds);
  }

  /** Each followed database's lag, least recently read first (at most {@link #MAX_FOLLOWED}). */
  public Map<DatabaseId, Follower.Lag> lags() {
    Map<DatabaseId, Follower> all = new LinkedHashMap<>();
    synchronized (lock) {
      followed.forEach((id, e) -> all.put(id, e.follower));
    }
    // Each follower's own lock, outside this one: a poll holding it must not hold up a read.
    Map<DatabaseId, Follower.Lag> lags = new LinkedHashMap<>();
    all.forEach((id, f) -> lags.put(id, f.lag()));
    return lags;
  }

  /** Stops the followers no read used for {@link #IDLE}. */
  void stopIdle() {
    long cutoff = System.nanoTime() - IDLE.toNanos();
    List<Followed> idle = new ArrayList<>();
    synchronized (lock) {
      for (Iterator<Followed> it = followed.values().iterator(); it.hasNext(); ) {
        Followed e = it.next();
        if (e.lastUsed - cutoff < 0) {
          idle.add(e);
          it.remove();
        }
      }
    }
    idle.forEach(Followers::stop);
  }

  /** Stops a follower's polls and deletes its copy. */
  private static void stop(Followed e) {
    try {
      e.follower.close();
      DurableFiles.deleteTree(e.dir);
    } catch (IOException | RuntimeException x) {
      // Its copy is deleted at the next start anyway.
      LOG.warn("stop following into {}: {}", e.dir, x.getMessage());
    }
  }

  @Override
  public void close() {
    polls.shutdownNow();
    List<Followed> all;
    synchronized (lock) {
      all = new ArrayList<>(followed.values());
      followed.clear();
    }
    for (Followed e : all) {
      try {
        e.follower.close();
      } catch (IOException x) {
        // Its copy is emptied at the next start anyway.
      }
    }
  }

  /** For tests: the followed databases, least recently read first. */
  List<DatabaseId> followedIds() {
    synchronized (lock) {
      return List.copyOf(followed.keySet());
    }
  }

  /** For tests: marks every follower as last read {@code ago} earlier than it was. */
  void age(Duration ago) {
    synchronized (lock) {
      for (Map.Entry<DatabaseId, Followed> e : followed.entrySet()) {
        e.getValue().lastUsed -= ago.toNanos();
      }
    }
  }
}
