package dev.opend1.sql;

import static dev.opend1.sql.StatementSplitterTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Semicolons inside {@code CREATE TRIGGER ... BEGIN ... END} do not split: the body ends at an
 * {@code END} right after a {@code ;}, SQLite's own rule (see {@link StatementBoundary}).
 */
class TriggerSplittingTest {

  /** A trigger on its own; each must come back whole, and split from what follows it. */
  static Stream<Arguments> triggers() {
    return Stream.of(
        trigger(
            "a body of several statements",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO log VALUES (new.a);\n"
                + "  UPDATE t SET b = 1 WHERE rowid = new.rowid;\n"
                + "END"),
        trigger(
            "CASE ... END in the body",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO log VALUES (CASE new.a WHEN 1 THEN 'one' ELSE 'many' END);\n"
                + "END"),
        trigger(
            "nested CASE in the body",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                + "  SELECT CASE WHEN new.a > 0 THEN CASE WHEN new.a > 9 THEN 'big' ELSE 'small'"
                + " END ELSE CASE new.a WHEN 0 THEN 'zero' END END;\n"
                + "  SELECT CASE WHEN (SELECT CASE WHEN 1 THEN 2 END) THEN 3 END;\n"
                + "END"),
        trigger(
            "CASE ... END in the WHEN clause",
            "CREATE TRIGGER tr AFTER INSERT ON t"
                + " WHEN (CASE WHEN new.a > 0 THEN 1 ELSE 0 END) = 1 BEGIN\n"
                + "  SELECT 1;\n"
                + "END"),
        trigger(
            "END and ; inside strings, quoted names and comments",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                + "  UPDATE t SET b = 'END;', \"END\" = 1, [end;] = 2, `END` = 3;\n"
                + "  SELECT 1; -- END;\n"
                + "  /* ; END; */ SELECT 2;\n"
                + "END"),
        trigger(
            "a column named end, unquoted (legal: END is a fallback keyword)",
            "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN\n"
                + "  UPDATE t SET end = new.end + 1 WHERE begin = old.begin;\n"
                + "END"),
        trigger(
            "words that only start like keywords",
            "CREATE TRIGGER tr AFTER INSERT ON t WHEN new.begin_date > 0 BEGIN\n"
                + "  UPDATE t SET end_date = 1, casement = 2, ends = 3;\n"
                + "END"),
        trigger(
            "lower-case keywords",
            "create temp trigger x before delete on t begin select 1; select 2; end"),
        trigger(
            "TEMPORARY and IF NOT EXISTS",
            "CREATE TEMPORARY TRIGGER IF NOT EXISTS tr INSTEAD OF INSERT ON v BEGIN SELECT 1; END"),
        trigger(
            "RAISE in the body",
            "CREATE TRIGGER tr BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no; END'); END"),
        trigger(
            "a comment between the last ; and END",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; -- last\n /* ; */ END"),
        trigger(
            "no whitespace around ; and END",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;SELECT 2;END"),
        trigger("under EXPLAIN", "EXPLAIN CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"),
        trigger(
            "under EXPLAIN QUERY PLAN",
            "EXPLAIN QUERY PLAN CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"),
        trigger(
            "an UPSERT in the body",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO c (k, n) VALUES (new.k, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1;\n"
                + "END"));
  }

  private static Arguments trigger(String scenario, String sql) {
    return Arguments.of(scenario, sql);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void aTriggerIsOneStatement(String scenario, String trigger) {
    assertThat(texts(trigger)).containsExactly(trigger);
    assertThat(texts(trigger + ";")).containsExactly(trigger);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void aTriggerEndsBeforeWhatFollowsIt(String scenario, String trigger) {
    assertThat(texts(trigger + ";\nSELECT 1; INSERT INTO t VALUES (';')"))
        .containsExactly(trigger, "SELECT 1", "INSERT INTO t VALUES (';')");
    assertThat(texts("SELECT 0;\n" + trigger + "; SELECT 1"))
        .containsExactly("SELECT 0", trigger, "SELECT 1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("triggers")
  void aTriggerWithCrlfLineEndingsSplitsTheSame(String scenario, String trigger) {
    String crlf = trigger.replace("\n", "\r\n");
    assertThat(texts(crlf + ";\r\nSELECT 1;\r\n")).containsExactly(crlf, "SELECT 1");
  }

  @Test
  void severalTriggersInOneText() {
    String a =
        "CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN 2 END; SELECT 3; END";
    String b = "CREATE TEMP TRIGGER b AFTER DELETE ON t BEGIN DELETE FROM log; END";
    String c = "create trigger c after update on t begin update t set end = 1; end";
    assertThat(texts(a + ";" + b + ";\n\n" + c + ";")).containsExactly(a, b, c);
    assertThat(texts(a + "; SELECT 1; " + b + "; SELECT 2; " + c))
        .containsExactly(a, "SELECT 1", b, "SELECT 2", c);
  }

  @Test
  void onlyCreateTriggerOpensABody() {
    // BEGIN ... END here is transaction control, and these are five statements.
    assertThat(texts("BEGIN; SELECT 1; END; SELECT CASE WHEN 1 THEN 2 END; COMMIT"))
        .containsExactly("BEGIN", "SELECT 1", "END", "SELECT CASE WHEN 1 THEN 2 END", "COMMIT");
    assertThat(texts("CREATE TABLE trigger_log (a); SELECT 1"))
        .containsExactly("CREATE TABLE trigger_log (a)", "SELECT 1");
    assertThat(texts("CREATE TABLE \"trigger\" (begin); SELECT 1")).hasSize(2);
  }

  @Test
  void aSemicolonBeforeTheBodyStillEndsTheStatement() {
    // Malformed (no BEGIN yet): SQLite reports it; what follows is not swallowed.
    assertThat(texts("CREATE TRIGGER tr AFTER INSERT ON t; SELECT 1"))
        .containsExactly("CREATE TRIGGER tr AFTER INSERT ON t", "SELECT 1");
  }

  @Test
  void anUnclosedBodyRunsToTheEnd() {
    // No END after a ';': SQLite's shell would wait for more; here SQLite reports the error.
    String open = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2";
    assertThat(texts(open)).containsExactly(open);
    assertThat(texts(open + ";")).containsExactly(open + ";");
  }

  @Test
  void theRealDumpKeepsItsTriggersWhole() {
    SqlFixtures.Case dump =
        SqlFixtures.splitCases().stream()
            .filter(c -> c.name().equals("sqlite-dump"))
            .findFirst()
            .orElseThrow();
    List<String> triggers =
        texts(dump.input()).stream().filter(s -> s.startsWith("CREATE TRIGGER")).toList();
    assertThat(triggers).hasSize(2).allSatisfy(s -> assertThat(s).endsWith("END"));
  }
}
