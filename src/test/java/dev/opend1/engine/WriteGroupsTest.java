package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.DatabaseId;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write requests that arrive while the writer is busy commit together ({@link WriteGroups}), each
 * still all-or-nothing with its own meta and its own error. Each test holds the writer ({@link
 * WriterHold}), queues fifteen write requests behind it from fifteen threads, and lets them run:
 * they land in shared rounds, which the engine's commit counters show.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteGroupsTest {

  /** A write that never ends on its own: its deadline interrupts it. */
  private static final String ENDLESS =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
          + " INSERT INTO t(v) SELECT 'endless' FROM c WHERE x = 0";

  private static final int QUEUED = 15;

  private static final String TABLE = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)";

  @TempDir static Path dir;
  TestServer server;
  D1Client client;
  int made;

  @BeforeAll
  void start() {
    server = TestServer.start(dir, Map.of("query-timeout-ms", "10000"));
    client = server.client();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @Test
  void concurrentWritesShareCommitsEachWithItsOwnMeta() throws Exception {
    String db = database(TABLE);
    long commits = counters().writeCommits();
    long committed = counters().writesCommitted();
    List<Reply> replies =
        behindHeldWriter(
            db,
            i ->
                batch(
                    "INSERT INTO t(v) VALUES (?)",
                    List.of("a" + i),
                    "INSERT INTO t(v) VALUES (?), (?)",
                    List.of("b" + i, "c" + i)));
    for (int i = 0; i < QUEUED; i++) {
      Reply r = replies.get(i);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode first = r.json().at("/result/0/meta");
      JsonNode second = r.json().at("/result/1/meta");
      assertThat(first.get("changes").asLong()).isEqualTo(1);
      assertThat(second.get("changes").asLong()).isEqualTo(2);
      assertThat(first.get("last_row_id").asLong()).isEqualTo(idOf(db, "a" + i));
      assertThat(second.get("last_row_id").asLong()).isEqualTo(idOf(db, "c" + i));
      assertThat(idOf(db, "b" + i)).isEqualTo(idOf(db, "c" + i) - 1);
      assertThat(first.get("changed_db").asBoolean()).isTrue();
      assertThat(second.get("size_after").asLong()).isPositive();
    }
    // Fifteen requests, fewer commits: they committed together.
    long requests = counters().writesCommitted() - committed;
    long rounds = counters().writeCommits() - commits;
    assertThat(requests).isEqualTo(QUEUED);
    assertThat(rounds).as("commits for %d requests", requests).isLessThan(requests - 1);
  }

  @Test
  void aFailingRequestFailsAloneAndTheOthersCommit() throws Exception {
    String db = database(TABLE + "; INSERT INTO t(v) VALUES ('taken')");
    long commits = counters().writeCommits();
    int failing = 7;
    List<Reply> replies =
        behindHeldWriter(
            db,
            i ->
                batch(
                    "INSERT INTO t(v) VALUES (?)",
                    List.of("a" + i),
                    "INSERT INTO t(v) VALUES (?)",
                    List.of(i == failing ? "taken" : "b" + i)));
    for (int i = 0; i < QUEUED; i++) {
      Reply r = replies.get(i);
      if (i == failing) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorMessage()).contains("UNIQUE constraint failed: t.v: SQLITE_CONSTRAINT");
        assertThat(count(db, "a" + i)).as("its first statement is undone too").isZero();
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/result/1/meta/last_row_id").asLong()).isEqualTo(idOf(db, "b" + i));
      }
    }
    assertThat(counters().writeCommits() - commits).isLessThan(QUEUED);
  }

  @Test
  void anInterruptedRequestFailsAloneAndTheRequestsBeforeItRunAgain() throws Exception {
    String db = database(TABLE);
    long commits = counters().writeCommits();
    // The endless write comes last, so the round's other requests ran before SQLite rolled the
    // whole transaction back under it.
    List<Reply> replies =
        behindHeldWriter(
            db,
            i ->
                i == QUEUED - 1
                    ? query(ENDLESS)
                    : batch(
                        "INSERT INTO t(v) VALUES (?)",
                        List.of("a" + i),
                        "INSERT INTO t(v) VALUES (?)",
                        List.of("b" + i)));
    for (int i = 0; i < QUEUED - 1; i++) {
      Reply r = replies.get(i);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/result/0/meta/last_row_id").asLong()).isEqualTo(idOf(db, "a" + i));
      assertThat(r.json().at("/result/1/meta/last_row_id").asLong()).isEqualTo(idOf(db, "b" + i));
    }
    assertThat(counters().writeCommits() - commits).isLessThan(QUEUED - 1);
    Reply endless = replies.get(QUEUED - 1);
    assertThat(endless.status()).as(endless.body()).isEqualTo(400);
    assertThat(endless.errorMessage()).isEqualTo(D1Texts.TIME_LIMIT);
    assertThat(rows(db, "SELECT count(*) AS n FROM t").get(0).get("n").asLong())
        .isEqualTo(2L * (QUEUED - 1));
  }

  @Test
  void aDeferredForeignKeyBrokenAtCommitFailsOnlyItsRequest() throws Exception {
    String db =
        database(
            "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                + " CREATE TABLE child(id INTEGER PRIMARY KEY, p INTEGER"
                + " REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"
                + " INSERT INTO parent VALUES (1)");
    int orphan = 4;
    List<Reply> replies =
        behindHeldWriter(
            db,
            i ->
                batch(
                    "INSERT INTO child VALUES (?, ?)",
                    List.of(100 + i, i == orphan ? 999 : 1),
                    "SELECT count(*) AS n FROM child",
                    List.of()));
    for (int i = 0; i < QUEUED; i++) {
      Reply r = replies.get(i);
      if (i == orphan) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorMessage()).contains("FOREIGN KEY constraint failed");
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
    }
    assertThat(rows(db, "SELECT count(*) AS n FROM child").get(0).get("n").asLong())
        .isEqualTo(QUEUED - 1);
    assertThat(rows(db, "SELECT count(*) AS n FROM child WHERE p = 999").get(0).get("n").asLong())
        .isZero();
  }

  @Test
  void aGroupsBookmarkHoldsEveryRequestOfIt() throws Exception {
    String db = database(TABLE);
    long commits = counters().writeCommits();
    List<Reply> replies =
        behindHeldWriter(
            db, i -> batch("INSERT INTO t(v) VALUES (?)", List.of("a" + i), null, null));
    replies.forEach(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
    assertThat(counters().writeCommits() - commits).isLessThan(QUEUED);
    String bookmark = client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
    assertThat(client.post(db + "/query", query("DELETE FROM t").toString()).status())
        .isEqualTo(200);

    Reply asOf = client.post(db + "/query?bookmark=" + bookmark, query(countSql()).toString());
    assertThat(asOf.json().at("/result/0/results/0/n").asLong()).as(asOf.body()).isEqualTo(QUEUED);
    Reply restored = client.post(db + "/time_travel/restore?bookmark=" + bookmark, null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    assertThat(rows(db, countSql()).get(0).get("n").asLong()).isEqualTo(QUEUED);
  }

  private static String countSql() {
    return "SELECT count(*) AS n FROM t WHERE v LIKE 'a%'";
  }

  /**
   * Holds the writer of {@code db} ({@link WriterHold}), then sends {@link #QUEUED} requests from
   * as many threads (request {@code i} is {@code body.apply(i)}), the last one only once the others
   * wait, so it comes last in their round; lets the writer go once all wait, and returns their
   * replies in that order.
   */
  private List<Reply> behindHeldWriter(String db, IntFunction<ObjectNode> body) throws Exception {
    int before = counters().queuedWrites();
    DatabaseId id = DatabaseId.parse(db.substring(db.lastIndexOf('/') + 1)).orElseThrow();
    ExecutorService threads = Executors.newFixedThreadPool(QUEUED);
    try {
      List<CompletableFuture<Reply>> queued = new ArrayList<>();
      WriterHold hold = WriterHold.start(server.engine(), id);
      try {
        for (int i = 0; i < QUEUED; i++) {
          if (i == QUEUED - 1) {
            awaitQueued(before + QUEUED, queued);
          }
          String request = body.apply(i).toString();
          queued.add(
              CompletableFuture.supplyAsync(() -> client.post(db + "/query", request), threads));
        }
        awaitQueued(before + 1 + QUEUED, queued);
      } finally {
        hold.close();
      }
      List<Reply> replies = new ArrayList<>();
      for (CompletableFuture<Reply> f : queued) {
        replies.add(f.get());
      }
      // A request stops counting as queued before its reply is sent.
      assertThat(counters().queuedWrites()).as("queued once all are answered").isEqualTo(before);
      return replies;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Waits until {@code n} write requests are queued or running, the hold among them; none of {@code
   * sent} may have been answered meanwhile.
   */
  private void awaitQueued(int n, List<CompletableFuture<Reply>> sent) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (counters().queuedWrites() < n) {
      assertThat(System.nanoTime())
          .as("%d write requests queued after 60 s, waiting for %d", counters().queuedWrites(), n)
          .isLessThan(deadline);
      for (CompletableFuture<Reply> f : sent) {
        assertThat(f.isDone())
            .as("answered while the writer was held: %s", f.getNow(null))
            .isFalse();
      }
      Thread.sleep(1);
    }
  }

  private EngineCounters counters() {
    return server.engine().counters();
  }

  /** A new database with {@code schema}; its path. */
  private String database(String schema) {
    Reply r = client.post(TestServer.databases(), "{\"name\":\"groups-" + (made++) + "\"}");
    String db = TestServer.databases() + "/" + r.result().get("uuid").asText();
    Reply s = client.post(db + "/query", query(schema).toString());
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    return db;
  }

  private long idOf(String db, String v) {
    ObjectNode q = query("SELECT id FROM t WHERE v = ?");
    q.putArray("params").add(v);
    JsonNode rows = client.post(db + "/query", q.toString()).json().at("/result/0/results");
    assertThat(rows.size()).as("rows with v = %s", v).isEqualTo(1);
    return rows.get(0).get("id").asLong();
  }

  private long count(String db, String v) {
    ObjectNode q = query("SELECT count(*) AS n FROM t WHERE v = ?");
    q.putArray("params").add(v);
    return client.post(db + "/query", q.toString()).json().at("/result/0/results/0/n").asLong();
  }

  private JsonNode rows(String db, String sql) {
    Reply r = client.post(db + "/query", query(sql).toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/result/0/results");
  }

  private static ObjectNode query(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql);
  }

  /** A batch of one or two statements with their parameters. */
  private static ObjectNode batch(String sql1, List<Object> p1, String sql2, List<Object> p2) {
    ObjectNode body = D1Client.JSON.createObjectNode();
    ArrayNode batch = body.putArray("batch");
    add(batch, sql1, p1);
    if (sql2 != null) {
      add(batch, sql2, p2);
    }
    return body;
  }

  private static void add(ArrayNode batch, String sql, List<Object> params) {
    ObjectNode s = batch.addObject().put("sql", sql);
    ArrayNode ps = s.putArray("params");
    for (Object p : params) {
      if (p instanceof Integer n) {
        ps.add(n);
      } else {
        ps.add((String) p);
      }
    }
  }
}
