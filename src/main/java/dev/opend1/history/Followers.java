package dev.opend1.history;

import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Every {@link Follower} of this node: one per database it has answered as a read replica, made at
 * the first such request and polling from then on, each in its own directory under {@code
 * DATA_DIR/replicas/} (emptied at start: a copy is laid down again from the bucket).
 */
public final class Followers implements AutoCloseable {

  /** How often each follower lists the bucket in the background. */
  static final Duration POLL_EVERY = Duration.ofSeconds(1);

  private final ObjectStore store;
  private final Path root;

  /** Runs every follower's background polls; shut down at close. */
  private final ScheduledExecutorService polls;

  private final Map<DatabaseId, Follower> followers = new ConcurrentHashMap<>();

  /**
   * Followers reading {@code store}, with their copies under {@code root}, polling on {@code
   * polls}.
   */
  public Followers(ObjectStore store, Path root, ScheduledExecutorService polls) {
    this.store = store;
    this.root = root;
    this.polls = polls;
    try {
      if (Files.exists(root)) {
        DurableFiles.deleteTree(root);
      }
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("clear " + root + ": " + e.getMessage(), e);
    }
  }

  /** The follower of {@code id}, started at its first use. */
  public Follower of(DatabaseId id) {
    return followers.computeIfAbsent(
        id,
        k -> {
          Follower f = new Follower(k.toString(), store, root.resolve(k.toString()));
          f.start(polls, POLL_EVERY);
          return f;
        });
  }

  /** How many databases this node follows. */
  public int size() {
    return followers.size();
  }

  /** The largest lag of any follower: records and seconds, each the largest of its kind. */
  public Follower.Lag maxLag() {
    long records = 0;
    double seconds = 0;
    for (Follower f : followers.values()) {
      Follower.Lag l = f.lag();
      records = Math.max(records, l.records());
      seconds = Math.max(seconds, l.seconds());
    }
    return new Follower.Lag(records, seconds);
  }

  @Override
  public void close() {
    polls.shutdownNow();
    for (Follower f : followers.values()) {
      try {
        f.close();
      } catch (IOException e) {
        // Its copy is emptied at the next start anyway.
      }
    }
  }
}
