package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a statement's leading keywords make of it. */
class StatementClassifierTest {

  static SqlStatement one(String sql) {
    return StatementSplitter.split(sql).getFirst();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void statementsAreClassifiedByTheirLeadingKeywords(String sql, StatementKind kind) {
    assertThat(StatementSplitter.split(sql))
        .singleElement()
        .extracting(SqlStatement::kind)
        .isEqualTo(kind);
  }

  static Stream<Arguments> statementsAreClassifiedByTheirLeadingKeywords() {
    return Stream.of(
        kind("SELECT 1", StatementKind.SELECT),
        kind("select * from t", StatementKind.SELECT),
        kind("VALUES (1), (2)", StatementKind.SELECT),
        kind("WITH x AS (SELECT 1) SELECT * FROM x", StatementKind.SELECT),
        kind(
            "WITH x(a) AS MATERIALIZED (SELECT 1), y AS (VALUES (2)) VALUES (3)",
            StatementKind.SELECT),
        kind(
            "with recursive c(n) as (select 1 union all select n + 1 from c) select * from c",
            StatementKind.SELECT),
        kind("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", StatementKind.WRITE),
        kind(
            "with recursive c(n) as (select 1 union all select n+1 from c) delete from t",
            StatementKind.WRITE),
        kind("WITH x AS (DELETE FROM t) SELECT 1", StatementKind.SELECT),
        kind("WITH c AS (SELECT 1) REPLACE INTO z SELECT * FROM c", StatementKind.WRITE),
        kind("WITH c AS (SELECT 1) UPDATE t SET a = (SELECT * FROM c)", StatementKind.WRITE),
        kind("INSERT INTO t VALUES (1)", StatementKind.WRITE),
        kind("INSERT OR REPLACE INTO t VALUES (1)", StatementKind.WRITE),
        kind(
            "INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
            StatementKind.WRITE),
        kind("replace into t values (1)", StatementKind.WRITE),
        kind("UPDATE t SET a = 1", StatementKind.WRITE),
        kind("DELETE FROM t", StatementKind.WRITE),
        kind("CREATE TABLE t(a)", StatementKind.DDL),
        kind("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END", StatementKind.DDL),
        kind("drop table t", StatementKind.DDL),
        kind("ALTER TABLE t ADD b", StatementKind.DDL),
        kind("PRAGMA table_info(t)", StatementKind.PRAGMA),
        kind("EXPLAIN SELECT 1", StatementKind.EXPLAIN),
        kind("EXPLAIN QUERY PLAN SELECT 1", StatementKind.EXPLAIN),
        kind("explain query plan with x as (select 1) select * from x", StatementKind.EXPLAIN),
        kind("EXPLAIN INSERT INTO t VALUES (1)", StatementKind.EXPLAIN),
        kind("EXPLAIN CREATE TABLE t(a)", StatementKind.EXPLAIN),
        kind("EXPLAIN", StatementKind.EXPLAIN),
        // SQLite applies some PRAGMAs while compiling them: EXPLAIN must not hide them.
        kind("EXPLAIN PRAGMA writable_schema = 1", StatementKind.PRAGMA),
        kind("EXPLAIN QUERY PLAN PRAGMA journal_mode = DELETE", StatementKind.PRAGMA),
        kind("EXPLAIN BEGIN", StatementKind.TRANSACTION),
        kind("EXPLAIN ATTACH 'x' AS y", StatementKind.ATTACH),
        kind("EXPLAIN VACUUM", StatementKind.VACUUM),
        kind("BEGIN", StatementKind.TRANSACTION),
        kind("BEGIN IMMEDIATE TRANSACTION", StatementKind.TRANSACTION),
        kind("COMMIT", StatementKind.TRANSACTION),
        kind("end transaction", StatementKind.TRANSACTION),
        kind("ROLLBACK TO s", StatementKind.TRANSACTION),
        kind("SAVEPOINT s", StatementKind.TRANSACTION),
        kind("RELEASE s", StatementKind.TRANSACTION),
        kind("ATTACH 'x' AS y", StatementKind.ATTACH),
        kind("DETACH y", StatementKind.ATTACH),
        kind("VACUUM", StatementKind.VACUUM),
        kind("VACUUM INTO '/tmp/x'", StatementKind.VACUUM),
        kind("ANALYZE", StatementKind.ANALYZE),
        kind("REINDEX", StatementKind.REINDEX),
        kind("SELEC 1", StatementKind.OTHER),
        kind("(SELECT 1)", StatementKind.OTHER),
        kind("'SELECT'", StatementKind.OTHER),
        kind("\"SELECT\" 1", StatementKind.OTHER),
        kind("/* leading comment */ SELECT 1", StatementKind.SELECT),
        kind("-- a note; with a semicolon\n  SELECT 1", StatementKind.SELECT),
        kind("\r\n\t\f SELECT 1", StatementKind.SELECT),
        // SQLite runs " \vPRAGMA ...": a vertical tab must not hide the keyword.
        kind(" \u000bPRAGMA writable_schema = 1", StatementKind.PRAGMA),
        kind("SELECT\u00a01", StatementKind.OTHER));
  }

  private static Arguments kind(String sql, StatementKind kind) {
    return Arguments.of(sql, kind);
  }

  @Test
  void realClientFilesClassifyAsExpected() {
    for (SqlFixtures.Case c : SqlFixtures.splitCases()) {
      assertThat(StatementSplitter.split(c.input()))
          .as(c.name())
          .extracting(SqlStatement::kind)
          .containsExactlyElementsOf(c.kinds());
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void theTargetTableIsFoundThroughQuotingAndSchemas(String sql, Optional<String> table) {
    assertThat(one(sql).targetTable()).isEqualTo(table);
  }

  static Stream<Arguments> theTargetTableIsFoundThroughQuotingAndSchemas() {
    return Stream.of(
        target("INSERT INTO t VALUES (1)", "t"),
        target("insert into T(a) values (1)", "T"),
        target("INSERT OR IGNORE INTO main.\"My Table\" VALUES (1)", "My Table"),
        target("INSERT OR REPLACE INTO \"main\".`x` VALUES (1)", "x"),
        target("INSERT INTO \"d1_migrations\" (name) values ('0001_init.sql')", "d1_migrations"),
        target("INSERT INTO \"a\"\"b\" VALUES (1)", "a\"b"),
        target("INSERT INTO 'quoted as a string' VALUES (1)", "quoted as a string"),
        target("INSERT INTO t AS x VALUES (1) ON CONFLICT DO NOTHING", "t"),
        target("REPLACE INTO [y] VALUES (1)", "y"),
        target("UPDATE t SET a = 1", "t"),
        target("UPDATE OR REPLACE `x` SET a = 1", "x"),
        target("update or rollback main.[a b] set c = 1", "a b"),
        target("DELETE FROM [y] WHERE 1", "y"),
        target("delete from temp.t", "t"),
        target("WITH c AS (SELECT 1) REPLACE INTO z SELECT * FROM c", "z"),
        target("WITH c AS (INSERT INTO no) DELETE FROM w", "w"),
        target("SELECT 1", null),
        target("CREATE TABLE t(a)", null),
        target("EXPLAIN INSERT INTO t VALUES (1)", "t"),
        target("INSERT", null),
        target("INSERT INTO", null),
        target("DELETE t", null));
  }

  private static Arguments target(String sql, String table) {
    return Arguments.of(sql, Optional.ofNullable(table));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void tempObjectsAreSpotted(String sql, boolean temp) {
    assertThat(one(sql).createsTemp()).isEqualTo(temp);
  }

  static Stream<Arguments> tempObjectsAreSpotted() {
    return Stream.of(
        Arguments.of("CREATE TEMP TABLE x(a)", true),
        Arguments.of("CREATE TEMPORARY TABLE x(a)", true),
        Arguments.of("create temp view v as select 1", true),
        Arguments.of("CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END", true),
        Arguments.of("CREATE TEMP INDEX i ON t(a)", true),
        Arguments.of("CREATE TABLE temp.x(a)", true),
        Arguments.of("CREATE TABLE IF NOT EXISTS \"TEMP\".x(a)", true),
        Arguments.of("CREATE UNIQUE INDEX temp.i ON t(a)", true),
        Arguments.of("CREATE VIRTUAL TABLE temp.f USING fts5(a)", true),
        Arguments.of("CREATE TABLE temp(a)", false),
        Arguments.of("CREATE TABLE main.temp(a)", false),
        Arguments.of("CREATE TABLE x AS SELECT * FROM temp.y", false),
        Arguments.of("SELECT * FROM temp.x", false),
        Arguments.of("INSERT INTO temp.x VALUES (1)", false));
  }

  @Test
  void onlyStatementsThatCannotChangeTheDatabaseOnlyRead() {
    assertThat(one("SELECT * FROM t").onlyReads()).isTrue();
    assertThat(one("WITH x AS (SELECT 1) SELECT * FROM x").onlyReads()).isTrue();
    assertThat(one("EXPLAIN QUERY PLAN SELECT * FROM t").onlyReads()).isTrue();
    assertThat(one("PRAGMA table_info(t)").onlyReads()).isTrue();
    assertThat(one("PRAGMA foreign_keys = ON").onlyReads()).isFalse();
    assertThat(one("PRAGMA optimize").onlyReads()).isFalse();
    assertThat(one("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x").onlyReads()).isFalse();
    assertThat(one("UPDATE t SET a = 1").onlyReads()).isFalse();
    assertThat(one("CREATE TABLE u (a)").onlyReads()).isFalse();
    assertThat(one("ANALYZE").onlyReads()).isFalse();
    assertThat(one("BEGIN").onlyReads()).isFalse();
  }
}
