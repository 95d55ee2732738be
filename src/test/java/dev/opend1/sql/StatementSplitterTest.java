package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a text splits into statements, outside trigger bodies (see {@link TriggerSplittingTest}).
 */
class StatementSplitterTest {

  static List<String> texts(String sql) {
    return StatementSplitter.split(sql).stream().map(SqlStatement::text).toList();
  }

  private static Arguments split(String scenario, String sql, String... statements) {
    return Arguments.of(scenario, sql, List.of(statements));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void quotesAndCommentsHideSemicolons(String scenario, String sql, List<String> statements) {
    assertThat(texts(sql)).containsExactlyElementsOf(statements);
  }

  static Stream<Arguments> quotesAndCommentsHideSemicolons() {
    return Stream.of(
        split(
            "a string holds ; -- and /*",
            "SELECT 'a;b', '--c', '/*d'; SELECT 2",
            "SELECT 'a;b', '--c', '/*d'",
            "SELECT 2"),
        split(
            "a doubled quote does not end a string",
            "SELECT 'it''s; fine', ''';'; SELECT 2",
            "SELECT 'it''s; fine', ''';'",
            "SELECT 2"),
        split(
            "a double-quoted identifier holds ; -- and /*",
            "SELECT \"a;b\", \"--\", \"/*\" FROM t; SELECT 2",
            "SELECT \"a;b\", \"--\", \"/*\" FROM t",
            "SELECT 2"),
        split(
            "a doubled double quote does not end an identifier",
            "SELECT \"a\"\"b;\" FROM t; SELECT 2",
            "SELECT \"a\"\"b;\" FROM t",
            "SELECT 2"),
        split(
            "backticks hold ; -- and /*, doubled backticks too",
            "SELECT `a;b`, `--`, `/*`, `x``;` FROM t; SELECT 2",
            "SELECT `a;b`, `--`, `/*`, `x``;` FROM t",
            "SELECT 2"),
        split(
            "brackets hold ; -- /* and quotes",
            "SELECT [a;b], [--], [/*], [\"'`] FROM t; SELECT 2",
            "SELECT [a;b], [--], [/*], [\"'`] FROM t",
            "SELECT 2"),
        split(
            "each quote kind holds the others",
            "SELECT '\"', \"'\", `'\"`, ['] ; SELECT 2",
            "SELECT '\"', \"'\", `'\"`, [']",
            "SELECT 2"),
        split(
            "a line comment holds ; and quotes",
            "SELECT 1 -- ; 'x \"y `z [w\n; SELECT 2",
            "SELECT 1",
            "SELECT 2"),
        split(
            "a block comment holds ; and quotes",
            "SELECT /* ; ' \" ` [ */ 1; SELECT 2",
            "SELECT /* ; ' \" ` [ */ 1",
            "SELECT 2"),
        split(
            "a block comment holds -- and /*",
            "SELECT 1 /* -- ; /* */; SELECT 2",
            "SELECT 1",
            "SELECT 2"),
        split(
            "a line comment holds */",
            "SELECT 1 -- */ ;\n+ 2; SELECT 3",
            "SELECT 1 -- */ ;\n+ 2",
            "SELECT 3"),
        split(
            "a line comment ends at LF, so CRLF ends it too",
            "SELECT 1 -- a;\r\n; SELECT 2",
            "SELECT 1",
            "SELECT 2"),
        split("a lone CR does not end a line comment", "SELECT 1 -- a;\r SELECT 2", "SELECT 1"),
        split(
            "comments around a statement are not part of its text",
            "/* a */ -- b\n SELECT 1 /* c */ -- d\n;",
            "SELECT 1"),
        split(
            "comments inside a statement are kept",
            "SELECT 1 /* c; */ + -- d;\n 2",
            "SELECT 1 /* c; */ + -- d;\n 2"),
        split(
            "a blob literal holds ;",
            "INSERT INTO t VALUES (x'3b27'); SELECT 2",
            "INSERT INTO t VALUES (x'3b27')",
            "SELECT 2"),
        split(
            "division and subtraction are not comments",
            "SELECT 4/2-1, 6 - -1; SELECT 2",
            "SELECT 4/2-1, 6 - -1",
            "SELECT 2"),
        split("no space after ;", "SELECT 1;SELECT 2", "SELECT 1", "SELECT 2"),
        split(
            "quoted text is kept byte for byte",
            "INSERT INTO t VALUES ('  tabs\tand\r\nCRLF; é ☃ 😀  ')",
            "INSERT INTO t VALUES ('  tabs\tand\r\nCRLF; é ☃ 😀  ')"),
        split(
            "a no-break space is part of a word, as in SQLite",
            "SELECT\u00a01; SELECT 2",
            "SELECT\u00a01",
            "SELECT 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void emptyStatementsAreDropped(String scenario, String sql, List<String> statements) {
    assertThat(texts(sql)).containsExactlyElementsOf(statements);
  }

  static Stream<Arguments> emptyStatementsAreDropped() {
    return Stream.of(
        split("empty text", ""),
        split("only whitespace", " \t\r\n\f"),
        split("only semicolons", ";;;"),
        split("semicolons and whitespace", " ; ;\n;\r\n; "),
        split("only comments", "-- one; two\n/* three; */ -- four"),
        split("comments and semicolons", ";-- x\n; /* ; */ ;"),
        split("a trailing semicolon", "SELECT 1;", "SELECT 1"),
        split(
            "repeated and trailing semicolons", "SELECT 1;;; SELECT 2;  ;", "SELECT 1", "SELECT 2"),
        split("a comment-only tail", "SELECT 1; -- done\n/* really; */\n", "SELECT 1"),
        split(
            "a comment-only statement between two",
            "SELECT 1; /* nothing */; SELECT 2",
            "SELECT 1",
            "SELECT 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void unterminatedQuotesAndCommentsRunToTheEnd(
      String scenario, String sql, List<String> statements) {
    assertThat(texts(sql)).containsExactlyElementsOf(statements);
  }

  static Stream<Arguments> unterminatedQuotesAndCommentsRunToTheEnd() {
    return Stream.of(
        split(
            "an open string",
            "SELECT 1; SELECT 'open; SELECT 2",
            "SELECT 1",
            "SELECT 'open; SELECT 2"),
        split("an open double quote", "SELECT \"open; SELECT 2", "SELECT \"open; SELECT 2"),
        split("an open backtick", "SELECT `open; SELECT 2", "SELECT `open; SELECT 2"),
        split("an open bracket", "SELECT [open; SELECT 2", "SELECT [open; SELECT 2"),
        split("an open blob", "SELECT x'00; SELECT 2", "SELECT x'00; SELECT 2"),
        // SQLite too reads an open block comment as a comment to the end: nothing to run.
        split("an open block comment", "SELECT 1; /* open; SELECT 2", "SELECT 1"),
        split("an open block comment after a statement", "SELECT 1 /* open; SELECT 2", "SELECT 1"),
        split("a line comment without a newline", "SELECT 1 -- ; SELECT 2", "SELECT 1"),
        split("a lone quote", "'", "'"),
        split("a lone dash and slash", "-", "-"));
  }

  @Test
  void drizzleBatchesJoinedWithSemicolonSpaceSplitBack() {
    List<String> batch =
        List.of(
            "CREATE TABLE `a` (`id` integer PRIMARY KEY NOT NULL, `v` text DEFAULT 'x; y')",
            "CREATE INDEX `a_v` ON `a` (`v`)",
            "INSERT INTO `a` (`v`) VALUES ('; ')",
            "SELECT \"v\" FROM `a` WHERE `v` = '; '");
    assertThat(texts(String.join("; ", batch))).containsExactlyElementsOf(batch);
  }

  @Test
  void wranglerMigrationTextSplitsIntoTheFileAndItsBookkeeping() {
    String migration =
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n\n"
            + "INSERT INTO \"d1_migrations\" (name) values ('0001_init.sql');";
    assertThat(texts(migration))
        .containsExactly(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
            "INSERT INTO \"d1_migrations\" (name) values ('0001_init.sql')");
  }

  @Test
  void realClientFilesSplitAsExpected() {
    for (SqlFixtures.Case c : SqlFixtures.splitCases()) {
      assertThat(texts(c.input())).as(c.name()).containsExactlyElementsOf(c.statements());
    }
  }

  @Test
  void measureCountsWithoutSplittingAndStopsPastTheLimit() {
    assertThat(StatementSplitter.measure("  ;; -- nothing\n/* x; */", 10, 100))
        .isEqualTo(new StatementSplitter.Measure(0, false));
    assertThat(StatementSplitter.measure("SELECT 1; SELECT ';'; SELECT 3;", 10, 100))
        .isEqualTo(new StatementSplitter.Measure(3, false));
    // A million statements: counting ends at the eleventh.
    assertThat(StatementSplitter.measure("SELECT 1;".repeat(1_000_000), 10, 100))
        .isEqualTo(new StatementSplitter.Measure(11, false));
    // A statement past the length limit ends counting where it passes it.
    String longOne = "SELECT " + "1+".repeat(1_000_000) + "1";
    assertThat(StatementSplitter.measure("SELECT 1; " + longOne + "; SELECT 3", 10, 100))
        .isEqualTo(new StatementSplitter.Measure(2, true));
    assertThat(StatementSplitter.measure("SELECT 1 /* comments around */ ;", 10, 8))
        .as("comments and the semicolon around a statement are not part of its text")
        .isEqualTo(new StatementSplitter.Measure(1, false));
  }
}
