package dev.opend1.analytics;

import static dev.opend1.analytics.RecordingTest.ACCOUNT;
import static dev.opend1.analytics.RecordingTest.DB;
import static dev.opend1.analytics.RecordingTest.figures;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.testing.WranglerGraphql;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GraphQL datasets over a known history: two databases, three statement shapes, over three
 * minutes of which the first two are flushed to the store and the last is live.
 */
class GraphqlQueriesTest {

  static final DatabaseId OTHER_DB = DatabaseId.random();

  @TempDir static Path dir;
  static TestClock clock = new TestClock(Instant.parse("2025-03-01T12:00:10Z"));
  static Analytics analytics;

  @BeforeAll
  static void history() {
    analytics =
        new Analytics(SqliteAnalyticsStore.open(dir.resolve("analytics.sqlite")), clock, null);
    // 12:00: two fast reads and a write.
    analytics.succeeded(RecordingTest.batch("SELECT * FROM t WHERE id = 1", figures(1, 1, 0, 1)));
    analytics.succeeded(RecordingTest.batch("SELECT * FROM t WHERE id = 2", figures(1, 1, 0, 1)));
    analytics.succeeded(RecordingTest.batch("INSERT INTO t VALUES (3)", figures(2, 0, 1, 0)));
    analytics.flush();
    // 12:01: one slow scan, and a read on the other database.
    clock.advance(Duration.ofMinutes(1));
    analytics.succeeded(RecordingTest.batch("SELECT count(*) FROM big", figures(50, 1000, 0, 1)));
    analytics.succeeded(
        new Batch(ACCOUNT, OTHER_DB, List.of("SELECT 1"), List.of(figures(1, 0, 0, 1)), 1, 10));
    analytics.flush();
    // 12:02, live: another fast read.
    clock.advance(Duration.ofMinutes(1));
    analytics.succeeded(RecordingTest.batch("SELECT * FROM t WHERE id = 9", figures(1, 1, 0, 1)));
  }

  @AfterAll
  static void close() {
    analytics.close();
  }

  static Map<String, Object> run(String query, Map<String, Object> variables) {
    return analytics.graphql(ACCOUNT, query, null, variables);
  }

  static Map<String, Object> dayFilter(DatabaseId db) {
    return Map.of(
        "AND",
        List.of(
            Map.of(
                "datetimeHour_geq", "2025-02-28T12:02:10.123Z",
                "datetimeHour_leq", "2025-03-01T12:02:10.123Z",
                "databaseId", db.toString())));
  }

  static Map<String, Object> variables(DatabaseId db) {
    return Map.of("accountTag", ACCOUNT.value(), "filter", dayFilter(db));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Map<String, Object> answer, String dataset) {
    assertThat(answer).doesNotContainKey("errors");
    Map<String, Object> data = (Map<String, Object>) answer.get("data");
    Map<String, Object> viewer = (Map<String, Object>) data.get("viewer");
    List<Map<String, Object>> accounts = (List<Map<String, Object>>) viewer.get("accounts");
    return (List<Map<String, Object>>) accounts.get(0).get(dataset);
  }

  @SuppressWarnings("unchecked")
  static Object field(Map<String, Object> row, String block, String name) {
    return ((Map<String, Object>) row.get(block)).get(name);
  }

  @SuppressWarnings("unchecked")
  static String firstError(Map<String, Object> answer) {
    List<Map<String, Object>> errors = (List<Map<String, Object>>) answer.get("errors");
    assertThat(errors).isNotEmpty();
    return String.valueOf(errors.get(0).get("message"));
  }

  @Test
  void infoSumsTheDaysQueriesOfOneDatabase() {
    List<Map<String, Object>> rows =
        rows(run(WranglerGraphql.INFO, variables(DB)), "d1AnalyticsAdaptiveGroups");
    assertThat(rows).hasSize(1);
    Map<String, Object> row = rows.get(0);
    assertThat(field(row, "dimensions", "datetimeHour")).isEqualTo("2025-03-01T12:00:00Z");
    assertThat(field(row, "sum", "readQueries")).isEqualTo(4L);
    assertThat(field(row, "sum", "writeQueries")).isEqualTo(1L);
    assertThat(field(row, "sum", "rowsRead")).isEqualTo(1003L);
    assertThat(field(row, "sum", "rowsWritten")).isEqualTo(1L);
    assertThat(row).containsOnlyKeys("sum", "dimensions");
  }

  @Test
  void insightsListsTheSlowestQueryFirst() {
    String q = WranglerGraphql.insights(5, "sum_queryDurationMs_DESC");
    List<Map<String, Object>> rows = rows(run(q, variables(DB)), "d1QueriesAdaptiveGroups");
    assertThat(rows)
        .extracting(r -> field(r, "dimensions", "query"))
        .containsExactly(
            "SELECT count(*) FROM big", "SELECT * FROM t WHERE id = ?", "INSERT INTO t VALUES (?)");
    Map<String, Object> shape = rows.get(1);
    assertThat(shape.get("count")).isEqualTo(3L);
    assertThat(field(shape, "sum", "queryDurationMs")).isEqualTo(3.0);
    assertThat(field(shape, "avg", "rowsRead")).isEqualTo(1.0);
    assertThat(field(shape, "sum", "rowsReturned")).isEqualTo(3L);
  }

  @Test
  void insightsSortsByCountAndCutsAtTheLimit() {
    String q = WranglerGraphql.insights(1, "count_DESC");
    List<Map<String, Object>> rows = rows(run(q, variables(DB)), "d1QueriesAdaptiveGroups");
    assertThat(rows).hasSize(1);
    assertThat(field(rows.get(0), "dimensions", "query")).isEqualTo("SELECT * FROM t WHERE id = ?");
    q = WranglerGraphql.insights(5, "avg_rowsWritten_DESC");
    rows = rows(run(q, variables(DB)), "d1QueriesAdaptiveGroups");
    assertThat(field(rows.get(0), "dimensions", "query")).isEqualTo("INSERT INTO t VALUES (?)");
  }

  @Test
  void groupsByMinuteAndDatabaseWithQuantiles() {
    String q =
        """
        query($tag: string!, $from: Time) { viewer { accounts(filter: {accountTag: $tag}) {
          d1AnalyticsAdaptiveGroups(limit: 100, filter: {datetimeMinute_geq: $from},
              orderBy: [datetimeMinute_ASC, databaseId_ASC]) {
            count
            sum { readQueries queryBatchTimeMs queryBatchResponseBytes }
            quantiles { queryBatchTimeMsP50 queryBatchTimeMsP90 }
            dimensions { datetimeMinute databaseId date }
          } } } }""";
    List<Map<String, Object>> rows =
        rows(
            run(q, Map.of("tag", ACCOUNT.value(), "from", "2025-03-01T12:01:00Z")),
            "d1AnalyticsAdaptiveGroups");
    assertThat(rows).hasSize(3);
    assertThat(rows)
        .extracting(r -> field(r, "dimensions", "datetimeMinute"))
        .containsExactlyInAnyOrder(
            "2025-03-01T12:01:00Z", "2025-03-01T12:01:00Z", "2025-03-01T12:02:00Z");
    Map<String, Object> last = rows.get(2);
    assertThat(field(last, "dimensions", "date")).isEqualTo("2025-03-01");
    assertThat(last.get("count")).isEqualTo(1L);
    assertThat((Double) field(last, "quantiles", "queryBatchTimeMsP50"))
        .isBetween(2.5 * 0.95, 2.5 * 1.05);
    assertThat(field(last, "sum", "queryBatchResponseBytes")).isEqualTo(300L);
  }

  @Test
  void storageReportsTheLargestSize() {
    String q =
        """
        { viewer { accounts(filter: {accountTag: "%s"}) {
          d1StorageAdaptiveGroups(limit: 10, filter: {date: "2025-03-01"}, orderBy: [databaseId_ASC]) {
            max { databaseSizeBytes }
            dimensions { databaseId }
          } } } }"""
            .formatted(ACCOUNT.value());
    List<Map<String, Object>> rows = rows(run(q, Map.of()), "d1StorageAdaptiveGroups");
    assertThat(rows).hasSize(2);
    assertThat(rows)
        .allSatisfy(r -> assertThat(field(r, "max", "databaseSizeBytes")).isEqualTo(8192L));
  }

  @Test
  void filtersCombineWithOrAndIn() {
    String q =
        """
        query($tag: string, $filter: AccountD1QueriesAdaptiveGroupsFilter_InputObject) {
          viewer { accounts(filter: {accountTag: $tag}) {
            d1QueriesAdaptiveGroups(limit: 10, filter: $filter, orderBy: [query_ASC]) {
              count dimensions { query databaseId } } } } }""";
    Map<String, Object> filter =
        Map.of(
            "OR",
            List.of(
                Map.of("databaseId_in", List.of(OTHER_DB.toString())),
                Map.of("query_like", "INSERT%")));
    List<Map<String, Object>> rows =
        rows(run(q, Map.of("tag", ACCOUNT.value(), "filter", filter)), "d1QueriesAdaptiveGroups");
    assertThat(rows)
        .extracting(r -> field(r, "dimensions", "query"))
        .containsExactly("INSERT INTO t VALUES (?)", "SELECT ?");
  }

  @Test
  void anotherAccountIsRefused() {
    Map<String, Object> answer =
        analytics.graphql(
            new AccountId("ffffffffffffffffffffffffffffffff"),
            WranglerGraphql.INFO,
            null,
            variables(DB));
    assertThat(firstError(answer)).contains("may not read account " + ACCOUNT.value());
    assertThat(answer.get("data")).isEqualTo(java.util.Collections.singletonMap("viewer", null));
  }

  @Test
  void anotherDatasetIsAValidationError() {
    Map<String, Object> answer =
        run(
            "{ viewer { accounts(filter: {accountTag: \"x\"}) { workersInvocationsAdaptive(limit: 1) { count } } } }",
            Map.of());
    assertThat(firstError(answer)).contains("workersInvocationsAdaptive");
    assertThat(answer).doesNotContainKey("data");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theSchemaCanBeIntrospected() {
    Map<String, Object> answer =
        run(
            "{ __type(name: \"AccountD1QueriesAdaptiveGroupsDimensions\") { fields { name } } }",
            Map.of());
    assertThat(answer).doesNotContainKey("errors");
    Map<String, Object> type =
        (Map<String, Object>) ((Map<String, Object>) answer.get("data")).get("__type");
    assertThat((List<Map<String, Object>>) type.get("fields"))
        .extracting(f -> f.get("name"))
        .contains("query", "databaseId", "datetimeHour", "date");
  }

  @Test
  void aSyntaxErrorIsAnError() {
    assertThat(firstError(run("{ viewer { ", Map.of()))).containsIgnoringCase("syntax");
  }

  @Test
  void aFilterFieldTheDatasetLacksIsRefused() {
    Map<String, Object> filter = Map.of("query", "SELECT ?");
    Map<String, Object> answer =
        run(WranglerGraphql.INFO, Map.of("accountTag", ACCOUNT.value(), "filter", filter));
    assertThat(firstError(answer)).contains("no field query");
  }

  @Test
  void orderingByADimensionNotSelectedIsRefused() {
    String q = WranglerGraphql.insights(5, "datetimeHour_DESC");
    assertThat(firstError(run(q, variables(DB)))).contains("select that dimension");
  }

  @Test
  void theLimitIsAtMostTenThousand() {
    String q = WranglerGraphql.insights(10001, "count_DESC");
    assertThat(firstError(run(q, variables(DB)))).contains("at most 10000");
  }

  @Test
  void minutesPastTheRetentionAreNotAnswered() {
    TestClock later = new TestClock(Instant.parse("2025-04-02T00:00:00Z"));
    Analytics shifted = new Analytics(new EmptyStore(), later, null);
    later.advance(Duration.ofDays(-40));
    shifted.succeeded(RecordingTest.batch("SELECT 1", figures(1, 0, 0, 1)));
    later.advance(Duration.ofDays(40));
    String q =
        "{ viewer { accounts(filter: {accountTag: \"%s\"}) { d1AnalyticsAdaptiveGroups(limit: 5) { count } } } }"
            .formatted(ACCOUNT.value());
    assertThat(rows(shifted.graphql(ACCOUNT, q, null, Map.of()), "d1AnalyticsAdaptiveGroups"))
        .isEmpty();
  }

  /** A store with nothing in it. */
  static final class EmptyStore implements AnalyticsStore {
    @Override
    public void add(Map<DatabaseMinute, DatabaseTally> d, Map<QueryMinute, QueryTally> q) {}

    @Override
    public void read(Scope scope, FactSink sink) {}

    @Override
    public Map<String, LastSizes.SizeAt> sizesBefore(Scope scope) {
      return Map.of();
    }

    @Override
    public long prune(long minute, long maxQueryRows) {
      return 0;
    }

    @Override
    public void close() {}
  }
}
