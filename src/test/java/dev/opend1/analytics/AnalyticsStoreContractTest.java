package dev.opend1.analytics;

import static dev.opend1.analytics.GraphqlQueriesTest.field;
import static dev.opend1.analytics.GraphqlQueriesTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.opend1.core.DatabaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  static DatabaseTally sized(long bytes) {
    DatabaseTally t = new DatabaseTally();
    t.sizeBytes = bytes;
    return t;
  }

  @Test
  void sizesBeforeAreEachDatabasesNewestBeforeTheFirstMinute() {
    store.add(
        Map.of(
            new DatabaseMinute(ACCOUNT, "d1", 100), sized(1000),
            new DatabaseMinute(ACCOUNT, "d1", 110), sized(2000),
            new DatabaseMinute(ACCOUNT, "d1", 120), sized(3000),
            new DatabaseMinute(ACCOUNT, "d2", 105), sized(500),
            new DatabaseMinute(ACCOUNT, "d2", 115), sized(-1),
            new DatabaseMinute(ACCOUNT, "d3", 130), sized(7),
            new DatabaseMinute("other", "d4", 100), sized(9)),
        Map.of());
    assertThat(store.sizesBefore(new Scope(ACCOUNT, 120, 200, Optional.empty())))
        .containsOnly(
            entry("d1", new LastSizes.SizeAt(110, 2000)),
            entry("d2", new LastSizes.SizeAt(105, 500)));
    assertThat(store.sizesBefore(new Scope(ACCOUNT, 120, 200, Optional.of(Set.of("d2")))))
        .containsOnlyKeys("d2");
  }

  /**
   * One database written once at 12:00 and idle since, another created at 12:20: at 12:30 every
   * minute since each one's first answers its size, whether the range starts before the write or
   * after it (carried from the newest size before the range).
   */
  @Test
  void anIdleDatabaseAnswersItsSizeEveryMinute() {
    TestClock clock = new TestClock(Instant.parse("2025-03-01T12:00:10Z"));
    Analytics analytics = new Analytics(store, clock, null);
    DatabaseId idle = DatabaseId.random();
    DatabaseId created = DatabaseId.random();
    analytics.succeeded(write(idle, 8192));
    analytics.flush();
    clock.advance(Duration.ofMinutes(20));
    analytics.succeeded(write(created, 4096));
    analytics.flush();
    clock.advance(Duration.ofMinutes(10));

    List<Map<String, Object>> all = storage(analytics, idle, "2025-03-01T11:30:00Z");
    assertThat(all)
        .extracting(r -> field(r, "dimensions", "datetimeMinute"))
        .isEqualTo(minutes(0, 30));
    assertThat(all)
        .allSatisfy(r -> assertThat(field(r, "max", "databaseSizeBytes")).isEqualTo(8192L));
    List<Map<String, Object>> later = storage(analytics, idle, "2025-03-01T12:10:00Z");
    assertThat(later)
        .extracting(r -> field(r, "dimensions", "datetimeMinute"))
        .isEqualTo(minutes(10, 30));
    assertThat(later)
        .allSatisfy(r -> assertThat(field(r, "max", "databaseSizeBytes")).isEqualTo(8192L));
    List<Map<String, Object>> young = storage(analytics, created, "2025-03-01T11:30:00Z");
    assertThat(young)
        .extracting(r -> field(r, "dimensions", "datetimeMinute"))
        .isEqualTo(minutes(20, 30));
    assertThat(young)
        .allSatisfy(r -> assertThat(field(r, "max", "databaseSizeBytes")).isEqualTo(4096L));
  }

  private static Batch write(DatabaseId db, long sizeAfter) {
    return new Batch(
        RecordingTest.ACCOUNT,
        db,
        List.of("INSERT INTO t VALUES (1)"),
        List.of(new StatementFigures(1, 0, 1, 0, sizeAfter)),
        1,
        10);
  }

  /** {@code 12:from} to {@code 12:to}, each minute, as GraphQL writes them. */
  private static List<String> minutes(int from, int to) {
    List<String> m = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      m.add("2025-03-01T12:%02d:00Z".formatted(i));
    }
    return m;
  }

  private static List<Map<String, Object>> storage(Analytics a, DatabaseId db, String since) {
    String q =
        """
        query($tag: string, $filter: AccountD1StorageAdaptiveGroupsFilter_InputObject) {
          viewer { accounts(filter: {accountTag: $tag}) {
            d1StorageAdaptiveGroups(limit: 1000, filter: $filter, orderBy: [datetimeMinute_ASC]) {
              max { databaseSizeBytes } dimensions { datetimeMinute } } } } }""";
    Map<String, Object> filter = Map.of("databaseId", db.toString(), "datetimeMinute_geq", since);
    Map<String, Object> vars = Map.of("tag", RecordingTest.ACCOUNT.value(), "filter", filter);
    return rows(a.graphql(RecordingTest.ACCOUNT, q, null, vars), "d1StorageAdaptiveGroups");
  }
}
