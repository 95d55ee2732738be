package dev.opend1.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.IntSupplier;

/**
 * A client load on one database of a {@link ClusterNodes} cluster, as a careful client sends it:
 * every request is retried, on whichever node {@code via} names at that moment, until it is
 * answered 200 or a bound passes; a 503, a 502 (the request may or may not have been applied), a
 * 429, a refused connection and a timeout are all retried. Writers insert values of their own
 * ({@code INSERT OR IGNORE}, so a retry of a write that was applied after all changes nothing),
 * each recorded as acknowledged on its 200; readers count the rows and check that a read never sees
 * fewer than were acknowledged before it was sent. The database needs {@code t(v INTEGER PRIMARY
 * KEY)}.
 */
public final class RetryingLoad {

  /** How long one request may take, retries included, before the load says it went unanswered. */
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private static final Duration ATTEMPT = Duration.ofSeconds(30);

  private final ClusterNodes cluster;
  private final String path;
  private final IntSupplier via;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** Values whose insert was answered 200. */
  private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();

  /** Values whose insert was sent at least once. */
  private final Set<Integer> sent = ConcurrentHashMap.newKeySet();

  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final LongAccumulator slowestMillis = new LongAccumulator(Math::max, 0);

  /** What went wrong, for the test to assert empty: a request never answered, a stale read. */
  private final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final AtomicLong nextValue = new AtomicLong(1);

  private RetryingLoad(ClusterNodes cluster, String db, IntSupplier via) {
    this.cluster = cluster;
    this.path = ClusterNodes.databases() + "/" + db;
    this.via = via;
  }

  /** Starts {@code writers} and {@code readers} threads sending through the node {@code via}. */
  public static RetryingLoad start(
      ClusterNodes cluster, String db, int writers, int readers, IntSupplier via) {
    RetryingLoad load = new RetryingLoad(cluster, db, via);
    for (int w = 0; w < writers; w++) {
      load.threads.add(Thread.ofPlatform().name("load-writer-" + w).start(load::write));
    }
    for (int r = 0; r < readers; r++) {
      load.threads.add(Thread.ofPlatform().name("load-reader-" + r).start(load::read));
    }
    return load;
  }

  private void write() {
    while (!stop.get()) {
      int v = (int) nextValue.getAndIncrement();
      sent.add(v);
      if (send("INSERT OR IGNORE INTO t(v) VALUES (" + v + ")") != null) {
        acknowledged.add(v);
      }
    }
  }

  private void read() {
    while (!stop.get()) {
      int before = acknowledged.size();
      JsonNode r = send("SELECT count(*) AS n FROM t");
      if (r != null) {
        int n = r.path(0).path("results").path(0).path("n").asInt(-1);
        if (n < before) {
          problems.add("a read saw " + n + " rows after " + before + " were acknowledged");
        }
      }
    }
  }

  /** Sends {@code sql} until it is answered 200; its result, or null when it never was. */
  private JsonNode send(String sql) {
    String body = D1Client.JSON.createObjectNode().put("sql", sql).toString();
    long start = System.nanoTime();
    long deadline = start + PATIENCE.toNanos();
    String last = "";
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      if (attempt > 0) {
        retries.incrementAndGet();
        pause(Math.min(1000, 50L << Math.min(attempt, 4)));
      }
      try {
        D1Client.Reply r = cluster.client(via.getAsInt(), ATTEMPT).post(path + "/query", body);
        if (r.status() == 200) {
          answered.incrementAndGet();
          slowestMillis.accumulate((System.nanoTime() - start) / 1_000_000);
          return r.result();
        }
        last = r.status() + " " + r.body();
        if (r.status() != 503 && r.status() != 502 && r.status() != 429) {
          problems.add(sql + ": not retryable: " + last);
          return null;
        }
      } catch (RuntimeException e) {
        last = e.toString(); // a refused connection, a timeout: the node is down or restarting
      }
    }
    problems.add(sql + ": not answered within " + PATIENCE + "; last: " + last);
    return null;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Values acknowledged so far. */
  public Set<Integer> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Values whose insert was sent, answered or not. */
  public Set<Integer> sent() {
    return Set.copyOf(sent);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** A line for the test's output: requests answered, retries, the slowest answer. */
  public String summary() {
    return String.format(
        "%d requests answered (%d writes acknowledged), %d retries, slowest %d ms (retries"
            + " included)",
        answered.get(), acknowledged.size(), retries.get(), slowestMillis.get());
  }

  /**
   * Stops sending new requests and waits for those in flight to be answered or given up; again, it
   * does nothing.
   */
  public void finish() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(PATIENCE.toMillis() + ATTEMPT.toMillis());
    }
  }
}
