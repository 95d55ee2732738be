package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder counts for each request, before and after a flush. */
class RecordingTest {

  static final AccountId ACCOUNT = new AccountId("0123456789abcdef0123456789abcdef");
  static final DatabaseId DB = DatabaseId.random();

  @TempDir Path dir;
  TestClock clock = new TestClock(Instant.parse("2025-03-01T12:00:30Z"));
  Analytics analytics;

  @BeforeEach
  void open() {
    analytics =
        new Analytics(SqliteAnalyticsStore.open(dir.resolve("analytics.sqlite")), clock, null);
  }

  @AfterEach
  void close() {
    analytics.close();
  }

  static StatementFigures figures(double ms, long read, long written, long returned) {
    return new StatementFigures(ms, read, written, returned, 8192);
  }

  static Batch batch(String sql, StatementFigures... statements) {
    return new Batch(ACCOUNT, DB, List.of(sql), List.of(statements), 2.5, 300);
  }

  private Collected read() {
    Collected c = new Collected();
    analytics.read(new Scope(ACCOUNT.value(), 0, Long.MAX_VALUE, Optional.empty()), c);
    return c;
  }

  @Test
  void eachStatementIsAReadOrAWriteQuery() {
    analytics.succeeded(
        batch(
            "INSERT INTO t VALUES (1); SELECT * FROM t; PRAGMA table_info(t); CREATE TABLE u (x)",
            figures(0.2, 0, 1, 0),
            figures(0.1, 1, 0, 1),
            figures(0.1, 0, 0, 1),
            figures(0.3, 0, 0, 0)));
    DatabaseTally db = read().database();
    assertThat(db.readQueries).isEqualTo(2);
    assertThat(db.writeQueries).isEqualTo(2);
    assertThat(db.rowsRead).isEqualTo(1);
    assertThat(db.rowsWritten).isEqualTo(1);
    assertThat(db.batches).isEqualTo(1);
    assertThat(db.responseBytes).isEqualTo(300);
    assertThat(db.sizeBytes).isEqualTo(8192);
  }

  @Test
  void statementsThatDifferOnlyInValuesAreOneQuery() {
    for (int id = 1; id <= 3; id++) {
      analytics.succeeded(batch("SELECT * FROM t WHERE id = " + id, figures(id, 4, 0, 1)));
    }
    QueryTally q = read().query("SELECT * FROM t WHERE id = ?");
    assertThat(q.count).isEqualTo(3);
    assertThat(q.durationMs).isEqualTo(6.0);
    assertThat(q.rowsRead).isEqualTo(12);
    assertThat(q.rowsReturned).isEqualTo(3);
  }

  @Test
  void aFailedRequestIsAnError() {
    analytics.failed(ACCOUNT, DB);
    DatabaseTally db = read().database();
    assertThat(db.errors).isEqualTo(1);
    assertThat(db.batches).isZero();
  }

  @Test
  void minutesAreKeptApartAndSurviveTheFlush() {
    analytics.succeeded(batch("SELECT 1", figures(1, 0, 0, 1)));
    analytics.flush();
    analytics.succeeded(batch("SELECT 2", figures(1, 0, 0, 1)));
    clock.advance(java.time.Duration.ofMinutes(1));
    analytics.succeeded(batch("SELECT 3", figures(1, 0, 0, 1)));
    Collected c = read();
    assertThat(c.databases).hasSize(2);
    assertThat(c.query("SELECT ?").count).isEqualTo(3);
    analytics.flush();
    assertThat(read().query("SELECT ?").count).isEqualTo(3);
  }

  @Test
  void requestsAlternatingDatabasesMinutesAndStatementsEachCountInTheirOwn() {
    DatabaseId other = DatabaseId.random();
    String point = "SELECT * FROM t WHERE id = 1";
    String insert = "INSERT INTO t VALUES (2)";
    for (int minute = 0; minute < 2; minute++) {
      for (int i = 0; i < 3; i++) {
        analytics.succeeded(batch(point, figures(1, 1, 0, 1)));
        analytics.succeeded(batch(point, figures(1, 1, 0, 1)));
        analytics.succeeded(
            new Batch(ACCOUNT, other, List.of(insert), List.of(figures(2, 0, 1, 0)), 1, 10));
        analytics.succeeded(batch(insert, figures(3, 0, 1, 0)));
        analytics.failed(ACCOUNT, other);
        // Two statements of different shapes in one request.
        analytics.succeeded(batch(point + "; " + insert, figures(1, 1, 0, 1), figures(3, 0, 1, 0)));
      }
      if (minute == 0) {
        analytics.flush();
      }
      clock.advance(java.time.Duration.ofMinutes(1));
    }
    Collected c = read();
    assertThat(c.databases).hasSize(4);
    DatabaseTally db = new DatabaseTally();
    DatabaseTally otherDb = new DatabaseTally();
    c.databases.forEach((k, t) -> (k.database().equals(DB.toString()) ? db : otherDb).add(t));
    assertThat(db.batches).isEqualTo(2 * 3 * 4);
    assertThat(db.readQueries).isEqualTo(2 * 3 * 3);
    assertThat(db.writeQueries).isEqualTo(2 * 3 * 2);
    assertThat(db.rowsRead).isEqualTo(2 * 3 * 3);
    assertThat(db.errors).isZero();
    assertThat(otherDb.batches).isEqualTo(2 * 3);
    assertThat(otherDb.writeQueries).isEqualTo(2 * 3);
    assertThat(otherDb.errors).isEqualTo(2 * 3);
    assertThat(otherDb.readQueries).isZero();
    assertThat(c.queries).hasSize(2 * 2 + 2);
    QueryTally reads = c.query("SELECT * FROM t WHERE id = ?");
    assertThat(reads.count).isEqualTo(2 * 3 * 3);
    assertThat(reads.rowsReturned).isEqualTo(2 * 3 * 3);
    QueryTally writes = c.query("INSERT INTO t VALUES (?)");
    assertThat(writes.count).isEqualTo(2 * 3 * 3);
    assertThat(writes.durationMs).isEqualTo(2 * 3 * (2.0 + 3 + 3));
    assertThat(writes.rowsWritten).isEqualTo(2 * 3 * 3);
  }

  @Test
  void textsAndFiguresThatDisagreeStillCountTheTotals() {
    analytics.succeeded(batch("SELECT 1; SELECT 2", figures(1, 0, 5, 0)));
    Collected c = read();
    assertThat(c.database().writeQueries).isEqualTo(1);
    assertThat(c.queries).isEmpty();
  }

  @Test
  void shapesPastTheBoundAreCountedTogether() {
    int extra = 5;
    for (int i = 0; i < LiveMinutes.MAX_QUERY_KEYS + extra; i++) {
      analytics.succeeded(batch("SELECT * FROM t" + i, figures(1, 0, 0, 0)));
    }
    Collected c = read();
    assertThat(c.queries).hasSize(LiveMinutes.MAX_QUERY_KEYS + 1);
    assertThat(c.query(LiveMinutes.OTHER).count).isEqualTo(extra);
    assertThat(c.database().readQueries).isEqualTo(LiveMinutes.MAX_QUERY_KEYS + extra);
  }
}
