package dev.opend1.analytics;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics of every database: requests are counted per minute in memory ({@link LiveMinutes}),
 * a background task moves the counted minutes to the store once a minute (and at close), and
 * GraphQL queries read both, so their answers include the current minute.
 */
public final class Analytics implements QueryRecorder, AnalyticsReader, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Analytics.class);

  /** How long minutes are kept: D1's analytics retention. */
  public static final Duration RETENTION = Duration.ofDays(31);

  /** How often the counted minutes are moved to the store. */
  static final Duration FLUSH_EVERY = Duration.ofMinutes(1);

  /** The most statement-shape minutes stored; the oldest go first past it. */
  static final long MAX_QUERY_ROWS = 2_000_000;

  private final AnalyticsStore store;
  private final LiveMinutes live = new LiveMinutes();
  private final Clock clock;
  private final AnalyticsGraphql graphql;

  /**
   * Makes a flush (drain the live minutes, then write them) one step for readers, so no read sees
   * the drained minutes in neither place; held by flushes and reads.
   */
  private final ReentrantLock flushLock = new ReentrantLock();

  /** Runs the flush once a minute, or null when flushes are only called; shut down by close. */
  private final ScheduledExecutorService flusher;

  Analytics(AnalyticsStore store, Clock clock, ScheduledExecutorService flusher) {
    this.store = store;
    this.clock = clock;
    this.flusher = flusher;
    this.graphql =
        new AnalyticsGraphql(
            new AnalyticsGraphql.Facts() {
              @Override
              public void read(Scope scope, FactSink sink) {
                Analytics.this.read(scope, sink);
              }

              @Override
              public Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
                return Analytics.this.sizesBefore(scope);
              }
            },
            clock);
    if (flusher != null) {
      long every = FLUSH_EVERY.toMillis();
      flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens the store in {@code file} ({@code DataLayout.analyticsFile()}) and flushes on {@code
   * flusher}, a single-thread executor this object now owns and shuts down when it closes.
   */
  public static Analytics open(Path file, ScheduledExecutorService flusher) {
    return new Analytics(SqliteAnalyticsStore.open(file), Clock.systemUTC(), flusher);
  }

  /**
   * Analytics kept in the PostgreSQL database the catalog is in (its schema holds their tables),
   * shared by every node that uses it.
   */
  public static Analytics open(javax.sql.DataSource shared, ScheduledExecutorService flusher) {
    return new Analytics(new PostgresAnalyticsStore(shared), Clock.systemUTC(), flusher);
  }

  @Override
  public void succeeded(Batch batch) {
    try {
      live.succeeded(batch, minute());
    } catch (RuntimeException e) {
      LOG.warn("analytics could not count a request to {}: {}", batch.database(), e.toString());
    }
  }

  @Override
  public void failed(AccountId account, DatabaseId database) {
    live.failed(account.value(), database.toString(), minute());
  }

  @Override
  public Map<String, Object> graphql(
      AccountId caller, String query, String operationName, Map<String, Object> variables) {
    return graphql.execute(caller.value(), query, operationName, variables);
  }

  @Override
  public void flushNow() {
    flushQuietly();
  }

  /** The current minute, in minutes since 1970-01-01T00:00Z. */
  private long minute() {
    return Math.floorDiv(clock.millis(), 60_000);
  }

  /** Sends the stored and the live minutes within {@code scope} to {@code sink}. */
  void read(Scope scope, FactSink sink) {
    flushLock.lock();
    try {
      store.read(scope, sink);
      live.read(scope, sink);
    } finally {
      flushLock.unlock();
    }
  }

  /** Each database's newest size, stored or live, before {@code scope}'s first minute. */
  Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
    flushLock.lock();
    try {
      Map<String, LastSizes.SizeAt> sizes = new HashMap<>(store.sizesBefore(scope));
      LastSizes.merge(sizes, live.sizesBefore(scope));
      return sizes;
    } finally {
      flushLock.unlock();
    }
  }

  /**
   * Moves the counted minutes to the store and forgets what is past {@link #RETENTION}. Should the
   * store fail, the minutes drained are lost (and logged): analytics never hold up the server.
   */
  void flush() {
    flushLock.lock();
    try {
      LiveMinutes.Drained drained = live.drain();
      if (!drained.isEmpty()) {
        store.add(drained.databases(), drained.queries());
      }
      store.prune(minute() - RETENTION.toMinutes(), MAX_QUERY_ROWS);
    } finally {
      flushLock.unlock();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("analytics flush failed; this minute's figures are lost: {}", e.toString());
    }
  }

  /** Stops the flushes, flushes what is left, and closes the store. */
  @Override
  public void close() {
    if (flusher != null) {
      flusher.shutdown();
      try {
        flusher.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flushQuietly();
    store.close();
  }
}
