package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnalyticsStore} does: each store's test extends this, so the SQLite file and
 * PostgreSQL are held to the same behaviour.
 */
abstract class AnalyticsStoreContractTest {

  static final String ACCOUNT = "a1";

  AnalyticsStore store;

  /** A new, empty store. */
  abstract AnalyticsStore openEmpty() throws Exception;

  /** The same store again, as after a restart. */
  abstract AnalyticsStore reopen();

  @BeforeEach
  void open() throws Exception {
    store = openEmpty();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static DatabaseTally database(long reads, double ms) {
    DatabaseTally t = new DatabaseTally();
    t.readQueries = reads;
    t.batches = 1;
    t.batchMs = ms;
    t.batchTimes.add(ms);
    t.sizeBytes = 4096;
    return t;
  }

  static QueryTally query(long count, double ms) {
    QueryTally t = new QueryTally();
    t.count = count;
    t.durationMs = ms;
    t.durations.add(ms);
    t.rowsReturned = count;
    return t;
  }

  Collected read(long from, long to, Optional<Set<String>> databases) {
    Collected c = new Collected();
    store.read(new Scope(ACCOUNT, from, to, databases), c);
    return c;
  }

  void add(String db, long minute, long reads, String shape) {
    store.add(
        Map.of(new DatabaseMinute(ACCOUNT, db, minute), database(reads, 2.0)),
        Map.of(new QueryMinute(ACCOUNT, db, minute, shape), query(reads, 2.0)));
  }

  @Test
  void aMinuteAddedTwiceIsSummed() {
    add("d1", 100, 2, "SELECT ?");
    add("d1", 100, 3, "SELECT ?");
    Collected c = read(0, 1000, Optional.empty());
    assertThat(c.databases).hasSize(1);
    DatabaseTally db = c.database();
    assertThat(db.readQueries).isEqualTo(5);
    assertThat(db.batches).isEqualTo(2);
    assertThat(db.batchTimes.total()).isEqualTo(2);
    assertThat(db.sizeBytes).isEqualTo(4096);
    assertThat(c.query("SELECT ?").count).isEqualTo(5);
  }

  @Test
  void aReadKeepsToItsScope() {
    add("d1", 100, 1, "SELECT ?");
    add("d2", 100, 1, "SELECT ?");
    add("d1", 200, 1, "SELECT ?");
    store.add(Map.of(new DatabaseMinute("other", "d1", 100), database(1, 1)), Map.of());
    assertThat(read(0, 150, Optional.empty()).databases).hasSize(2);
    assertThat(read(0, 1000, Optional.of(Set.of("d1"))).databases).hasSize(2);
    assertThat(read(150, 1000, Optional.of(Set.of("d2"))).databases).isEmpty();
    assertThat(read(0, 1000, Optional.empty()).queries).hasSize(3);
  }

  @Test
  void pruneForgetsOldMinutesAndTheirTexts() {
    add("d1", 100, 1, "SELECT old");
    add("d1", 200, 1, "SELECT new");
    assertThat(store.prune(150, Long.MAX_VALUE)).isEqualTo(2);
    Collected c = read(0, 1000, Optional.empty());
    assertThat(c.databases.keySet()).extracting(DatabaseMinute::minute).containsExactly(200L);
    assertThat(c.queries.keySet()).extracting(QueryMinute::query).containsExactly("SELECT new");
    assertThat(store.prune(150, Long.MAX_VALUE)).isZero();
  }

  @Test
  void pruneKeepsTheNewestQueryMinutesUnderTheCap() {
    for (long m = 1; m <= 10; m++) {
      add("d1", m, 1, "SELECT ?");
    }
    store.prune(0, 4);
    Collected c = read(0, 1000, Optional.empty());
    assertThat(c.queries.keySet())
        .extracting(QueryMinute::minute)
        .containsExactlyInAnyOrder(7L, 8L, 9L, 10L);
    // The per-database minutes are bounded by the retention alone.
    assertThat(c.databases).hasSize(10);
  }

  @Test
  void whatIsStoredSurvivesAReopen() {
    add("d1", 100, 7, "SELECT ?");
    store.close();
    store = reopen();
    assertThat(read(0, 1000, Optional.empty()).database().readQueries).isEqualTo(7);
  }
}
