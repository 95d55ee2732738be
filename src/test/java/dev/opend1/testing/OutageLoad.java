package dev.opend1.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes to databases of a {@link ClusterNodes} cluster through every node, one attempt per value
 * and no retries, reads them ({@code SELECT count(*)}) the same way, and records every answer: when
 * it was sent and answered, its status and D1 code. For tests that take a part of the cluster away
 * (PostgreSQL, the bucket) and pin what each request got meanwhile. A writer and a reader per
 * database and node; each database needs {@code t(v INTEGER PRIMARY KEY)}.
 */
public final class OutageLoad {

  /**
   * One request: a read, or the write of {@code value}; {@code status} -1 when no answer came
   * ({@code failure} says why: a timeout, a refused connection), {@code failure} set too when the
   * answer was not a JSON envelope.
   */
  public record Answer(
      String db,
      int node,
      boolean read,
      int value,
      long sentNanos,
      long answeredNanos,
      int status,
      int code,
      String message,
      String failure) {

    public double seconds() {
      return (answeredNanos - sentNanos) / 1e9;
    }

    @Override
    public String toString() {
      return String.format(
          "%s via node %d, %s: %s after %.2f s",
          db,
          node,
          read ? "read" : "write of " + value,
          failure != null ? failure : status + " " + code + " " + message,
          seconds());
    }
  }

  /** When writes were acknowledged again: the first for any database, and for every one. */
  public record Resumed(long firstNanos, long allNanos) {}

  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private final ClusterNodes cluster;
  private final Duration timeout;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger nextValue = new AtomicInteger(1);
  private final List<Thread> threads = new ArrayList<>();
  private List<String> databases = List.of();
  private long[] pids = new long[0];

  /** Every answer, in the order they came. */
  private final List<Answer> answers = new CopyOnWriteArrayList<>();

  /** Values whose insert was sent, answered or not, by database. */
  private final ConcurrentHashMap<String, Set<Integer>> sent = new ConcurrentHashMap<>();

  private OutageLoad(ClusterNodes cluster, Duration timeout) {
    this.cluster = cluster;
    this.timeout = timeout;
  }

  /**
   * Starts a writer and a reader for each of {@code dbs} through each node; a request waits up to
   * {@code timeout} for its answer.
   */
  public static OutageLoad start(ClusterNodes cluster, List<String> dbs, Duration timeout) {
    OutageLoad load = new OutageLoad(cluster, timeout);
    for (String db : dbs) {
      load.sent.put(db, ConcurrentHashMap.newKeySet());
      for (int i = 0; i < cluster.size(); i++) {
        int node = i;
        load.threads.add(
            Thread.ofPlatform().name("outage-writer").start(() -> load.send(db, node, false)));
        load.threads.add(
            Thread.ofPlatform().name("outage-reader").start(() -> load.send(db, node, true)));
      }
    }
    return load;
  }

  /**
   * Creates one database on each node (a table {@code t}), notes the node processes, starts a
   * writer and a reader for each through each node, and waits for 10 acknowledged writes to each.
   */
  public static OutageLoad onePerNode(ClusterNodes cluster, String name, Duration timeout)
      throws InterruptedException {
    List<String> dbs = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      String db = cluster.create(i, name + "-" + i);
      D1Client.Reply r = cluster.query(i, db, "CREATE TABLE t(v INTEGER PRIMARY KEY)");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      dbs.add(db);
    }
    long[] pids = new long[cluster.size()];
    for (int i = 0; i < pids.length; i++) {
      pids[i] = cluster.node(i).pid();
    }
    OutageLoad load = start(cluster, dbs, timeout);
    load.databases = List.copyOf(dbs);
    load.pids = pids;
    for (String db : dbs) {
      load.awaitAcknowledged(db, 10);
    }
    return load;
  }

  /** The databases of {@link #onePerNode}, database {@code i} placed on node {@code i}. */
  public List<String> databases() {
    return databases;
  }

  /**
   * After the load of {@link #onePerNode} finished: the same node processes still run, and each
   * database holds every acknowledged write and nothing that was never sent.
   */
  public void assertSameNodesAndNothingLost() {
    for (int i = 0; i < pids.length; i++) {
      assertThat(cluster.node(i).isAlive()).as("node %d still runs", i).isTrue();
      assertThat(cluster.node(i).pid()).isEqualTo(pids[i]);
    }
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      assertThat(cluster.values(i, db))
          .as("every acknowledged write of " + db + " is there, and nothing never sent")
          .containsAll(acknowledged(db))
          .isSubsetOf(sent(db));
    }
  }

  private void send(String db, int node, boolean read) {
    D1Client client = cluster.client(node, timeout);
    String path = ClusterNodes.databases() + "/" + db + "/query";
    while (!stop.get()) {
      int v = read ? -1 : nextValue.getAndIncrement();
      if (!read) {
        sent.get(db).add(v);
      }
      String sql = read ? "SELECT count(*) AS n FROM t" : "INSERT INTO t(v) VALUES (" + v + ")";
      String body = D1Client.JSON.createObjectNode().put("sql", sql).toString();
      long start = System.nanoTime();
      Answer a;
      try {
        D1Client.Reply r = client.post(path, body);
        a =
            new Answer(
                db,
                node,
                read,
                v,
                start,
                System.nanoTime(),
                r.status(),
                r.errorCode(),
                r.status() == 200 ? "" : r.errorMessage(),
                r.json() == null ? "not a JSON envelope: " + r.status() + " " + r.body() : null);
      } catch (RuntimeException e) {
        a = new Answer(db, node, read, v, start, System.nanoTime(), -1, -1, "", e.toString());
      }
      answers.add(a);
      if (a.status() != 200) {
        pause(100); // the cluster is short of a part: no tight loop
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every answer so far. */
  public List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** Values of {@code db} whose write was answered 200. */
  public Set<Integer> acknowledged(String db) {
    Set<Integer> out = new TreeSet<>();
    for (Answer a : answers) {
      if (a.db().equals(db) && !a.read() && a.status() == 200) {
        out.add(a.value());
      }
    }
    return out;
  }

  /** Values of {@code db} whose write was sent. */
  public Set<Integer> sent(String db) {
    return Set.copyOf(sent.get(db));
  }

  /** The first write of {@code db} sent at or after {@code fromNanos} and answered 200, or null. */
  public Answer firstWrite(String db, long fromNanos) {
    for (Answer a : answers) {
      if (a.db().equals(db) && !a.read() && a.status() == 200 && a.sentNanos() >= fromNanos) {
        return a;
      }
    }
    return null;
  }

  /** Waits until {@code n} writes of {@code db} are acknowledged. */
  public void awaitAcknowledged(String db, int n) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (acknowledged(db).size() < n) {
      if (System.nanoTime() > deadline) {
        List<Answer> all = answers();
        throw new AssertionError(
            db
                + ": fewer than "
                + n
                + " writes acknowledged; the last answers: "
                + all.subList(Math.max(0, all.size() - 5), all.size()));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until each of {@code dbs} has a write sent at or after {@code fromNanos} acknowledged.
   */
  public Resumed awaitResumed(List<String> dbs, long fromNanos) throws InterruptedException {
    long deadline = fromNanos + PATIENCE.toNanos();
    long first = Long.MAX_VALUE;
    long all = 0;
    for (String db : dbs) {
      Answer a;
      while ((a = firstWrite(db, fromNanos)) == null && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (a == null) {
        throw new AssertionError(db + ": no write acknowledged within " + PATIENCE);
      }
      first = Math.min(first, a.answeredNanos());
      all = Math.max(all, a.answeredNanos());
    }
    return new Resumed(first, all);
  }

  /** Stops sending and waits for the requests in flight. */
  public void finish() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(timeout.toMillis() + 5_000);
    }
  }

  /** The machine's load average (1, 5 and 15 minutes), printed beside a test's figures. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
