package dev.opend1.objectstore;

import static dev.opend1.objectstore.ShippingTest.DBS;
import static dev.opend1.objectstore.ShippingTest.create;
import static dev.opend1.objectstore.ShippingTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.Engine;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import dev.opend1.history.Follower;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link Follower} keeping a read-only copy of a database current from the log a real writing
 * server (in this JVM, {@code sync} durability) ships to a real S3 API server (s3proxy), read
 * through another server's engine as a read as of a bookmark is.
 */
class FollowerTest {

  @TempDir static Path s3dir;
  static S3Proxy s3;

  @TempDir Path dir;
  TestServer owner;
  TestServer reader;
  D1Client client;
  S3ObjectStore bucket;
  Follower follower;
  String db;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @BeforeEach
  void start() {
    String prefix = "follow-" + dir.getFileName();
    owner = TestServer.start(dir.resolve("owner"), s3.settings(prefix, "sync"));
    reader = TestServer.start(dir.resolve("reader"));
    client = owner.client();
    db = create(client, "followed");
    bucket =
        Backups.store(
            "s3://" + S3Proxy.BUCKET + "/" + prefix, Optional.of(s3.endpoint()), "us-east-1");
    follower = new Follower(db, bucket, dir.resolve("copy"));
  }

  @AfterEach
  void stop() throws Exception {
    follower.close();
    bucket.close();
    reader.close();
    owner.close();
  }

  private void write(String sql) {
    D1Client.Reply r = query(client, db, sql);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Bookmark ownersBookmark() {
    String text =
        client.get(DBS + "/" + db + "/time_travel/bookmark").result().get("bookmark").asText();
    return Bookmark.parse(text).orElseThrow();
  }

  /** The owner's rows as of {@code at}, each row's values as text. */
  private List<String> ownersRows(Bookmark at, String sql) {
    D1Client.Reply r =
        client.post(DBS + "/" + db + "/raw?bookmark=" + at, "{\"sql\":\"" + sql + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    r.json().at("/result/0/results/rows").forEach(row -> rows.add(row.toString()));
    return rows;
  }

  /** The copy's rows at the bookmark it reached, read by the reader's engine. */
  private List<String> copysRows(String sql) {
    Bookmark at = follower.reached().orElseThrow();
    Rows rows = new Rows();
    Engine engine = reader.engine();
    engine.executeAsOf(
        DatabaseId.parse(db).orElseThrow(),
        at,
        () -> follower.image(at),
        List.of(new QueryInput(sql, List.of())),
        rows);
    return rows.rows;
  }

  @Test
  void theCopyReachesTheWritersBookmarkAndReadsAsTheWriterDoesThere() throws Exception {
    assertThat(follower.reached()).isEmpty();
    assertThat(follower.poll()).isTrue();
    assertThat(follower.reached()).contains(ownersBookmark());

    write("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c REAL)");
    for (int i = 0; i < 20; i++) {
      write("INSERT INTO t (b, c) VALUES ('row " + i + "', " + i + ".5)");
    }
    write("UPDATE t SET b = upper(b) WHERE a % 3 = 0");
    write("DELETE FROM t WHERE a = 7");
    assertThat(follower.poll()).isTrue();
    Bookmark at = ownersBookmark();
    assertThat(follower.reached()).contains(at);
    assertThat(follower.lag()).isEqualTo(new Follower.Lag(0, 0));
    String sql = "SELECT a, b, c FROM t ORDER BY a";
    assertThat(copysRows(sql)).hasSize(19).isEqualTo(ownersRows(at, sql));
    assertThat(follower.poll()).as("nothing new").isFalse();

    // More writes, one of them big enough to span several pages.
    write(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
            + " INSERT INTO t (b, c) SELECT printf('%0200d', i), i FROM n");
    write("CREATE INDEX t_b ON t (b)");
    assertThat(follower.poll()).isTrue();
    Bookmark later = ownersBookmark();
    assertThat(follower.reached()).contains(later);
    String agg = "SELECT count(*), sum(c), max(b) FROM t";
    assertThat(copysRows(agg)).isEqualTo(ownersRows(later, agg));
    assertThat(copysRows("SELECT name FROM sqlite_schema WHERE name = 't_b'")).hasSize(1);
  }

  @Test
  void aRestoreOnTheWriterIsFollowed() throws Exception {
    write("CREATE TABLE t (a)");
    write("INSERT INTO t VALUES (1)");
    Bookmark one = ownersBookmark();
    write("INSERT INTO t VALUES (2)");
    follower.poll();
    assertThat(copysRows("SELECT a FROM t ORDER BY a")).containsExactly("[1]", "[2]");

    D1Client.Reply r = client.post(DBS + "/" + db + "/time_travel/restore?bookmark=" + one, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    write("INSERT INTO t VALUES (3)");
    assertThat(follower.poll()).isTrue();
    assertThat(follower.reached()).contains(ownersBookmark());
    assertThat(copysRows("SELECT a FROM t ORDER BY a")).containsExactly("[1]", "[3]");
  }

  @Test
  void aReadWaitsBrieflyForABookmarkTheCopyHasNotReached() throws Exception {
    ScheduledExecutorService polls = DaemonPools.scheduled("follow-test");
    try {
      // Background polls an hour apart: only the waiting read polls in this test.
      follower.start(polls, Duration.ofHours(1));
      write("CREATE TABLE t (a)");
      write("INSERT INTO t VALUES (1)");
      Bookmark written = ownersBookmark();
      assertThat(follower.await(written, Duration.ofSeconds(2))).isEqualTo(Follower.Reach.REACHED);
      assertThat(follower.reached()).contains(written);
      assertThat(copysRows("SELECT a FROM t")).containsExactly("[1]");

      // A bookmark nothing has written yet: the wait ends at its bound, not reached.
      Bookmark ahead = new Bookmark(written.seq() + 1000, written.hash());
      long start = System.nanoTime();
      assertThat(follower.await(ahead, Duration.ofMillis(400))).isEqualTo(Follower.Reach.BEHIND);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(400_000_000L);

      // The seq the copy holds, with another history's hash.
      byte[] other = written.hash().clone();
      other[0] ^= 1;
      assertThat(follower.await(new Bookmark(written.seq(), other), Duration.ofSeconds(1)))
          .isEqualTo(Follower.Reach.FOREIGN);
      // An older bookmark of the database is reached already.
      assertThat(follower.await(new Bookmark(0, firstHash()), Duration.ZERO))
          .isEqualTo(Follower.Reach.REACHED);
    } finally {
      polls.shutdownNow();
    }
  }

  @Test
  void theCopyIsOnlyEverReadNeverWritten() throws Exception {
    write("CREATE TABLE t (a)");
    follower.poll();
    assertThatThrownBy(() -> copysRows("INSERT INTO t VALUES (1)")).isInstanceOf(D1Exception.class);
    assertThat(ownersRows(ownersBookmark(), "SELECT count(*) FROM t")).containsExactly("[0]");
  }

  @Test
  void aDeletedDatabaseIsNoLongerFollowed() throws Exception {
    write("CREATE TABLE t (a)");
    assertThat(follower.poll()).isTrue();
    Bookmark before = follower.reached().orElseThrow();
    D1Client.Reply r = client.delete(DBS + "/" + db);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(follower.poll()).isFalse();
    assertThat(follower.deleted()).isTrue();
    assertThat(follower.reached()).contains(before);
  }

  private byte[] firstHash() {
    String first =
        client
            .get(DBS + "/" + db + "/time_travel/commits?limit=100")
            .result()
            .findValues("bookmark")
            .getLast()
            .asText();
    return Bookmark.parse(first).orElseThrow().hash();
  }

  /** Each row of the first statement as a JSON-like array of its values. */
  private static final class Rows implements ResultSink {
    final List<String> rows = new ArrayList<>();

    @Override
    public void begin(boolean mayStream) {}

    @Override
    public void statementStart(String[] columns) {}

    @Override
    public void row(Object[] values) {
      rows.add(
          Arrays.stream(values)
              .map(v -> v instanceof String s ? "\"" + s + "\"" : String.valueOf(v))
              .toList()
              .toString()
              .replace(", ", ","));
    }

    @Override
    public void statementEnd(StatementMeta meta) {}

    @Override
    public boolean reset() {
      rows.clear();
      return true;
    }
  }
}
