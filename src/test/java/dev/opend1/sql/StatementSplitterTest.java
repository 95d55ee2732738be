package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementSplitterTest {

  private static List<String> texts(String sql) {
    return StatementSplitter.split(sql).stream().map(SqlStatement::text).toList();
  }

  @Test
  void semicolonsInsideQuotesAndCommentsDoNotSplit() {
    assertThat(texts("SELECT 'a;b', \"c;d\", `e;f`, [g;h]; SELECT 2"))
        .containsExactly("SELECT 'a;b', \"c;d\", `e;f`, [g;h]", "SELECT 2");
    assertThat(texts("SELECT 'it''s; fine' -- a comment; here\n; /* ; */ SELECT 3"))
        .containsExactly("SELECT 'it''s; fine'", "SELECT 3");
    assertThat(texts("SELECT \"a\"\"b;\" FROM t")).containsExactly("SELECT \"a\"\"b;\" FROM t");
    assertThat(texts("SELECT '--not a comment;' AS x; SELECT '/*'"))
        .containsExactly("SELECT '--not a comment;' AS x", "SELECT '/*'");
  }

  @Test
  void emptyStatementsAreDropped() {
    assertThat(texts("")).isEmpty();
    assertThat(texts(";;; \n -- only a comment\n /* and another */ ;")).isEmpty();
    assertThat(texts("SELECT 1;;; SELECT 2;  ")).containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void triggerBodiesKeepTheirSemicolons() {
    String trigger =
        "CREATE TRIGGER tr AFTER INSERT ON t WHEN (CASE WHEN new.a > 0 THEN 1 ELSE 0 END) BEGIN\n"
            + "  INSERT INTO log VALUES (CASE new.a WHEN 1 THEN 'one' ELSE 'many' END);\n"
            + "  UPDATE t SET b = 'END;' WHERE rowid = new.rowid;\n"
            + "END";
    assertThat(texts(trigger + ";\nSELECT 1;")).containsExactly(trigger, "SELECT 1");
    String crlf = trigger.replace("\n", "\r\n");
    assertThat(texts(crlf + ";\r\n" + crlf + ";")).containsExactly(crlf, crlf);
    String temp = "create temp trigger x before delete on t begin select 1; select 2; end";
    assertThat(texts(temp + "; select 3")).containsExactly(temp, "select 3");
  }

  @Test
  void unterminatedQuotesAndCommentsRunToTheEnd() {
    assertThat(texts("SELECT 'open; SELECT 2")).containsExactly("SELECT 'open; SELECT 2");
    assertThat(texts("SELECT 1; /* open; SELECT 2")).containsExactly("SELECT 1");
  }

  @Test
  void clientTextsSplitAsTheyExpect() {
    // drizzle-kit joins a batch with "; "; wrangler's migrations add their bookkeeping insert.
    assertThat(texts("CREATE TABLE a (id integer); CREATE INDEX i ON a (id)")).hasSize(2);
    String migration =
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\n"
            + "INSERT INTO \"d1_migrations\" (name) values ('0001_init.sql');";
    assertThat(texts(migration))
        .containsExactly(
            "CREATE TABLE users (id INTEGER PRIMARY KEY)",
            "INSERT INTO \"d1_migrations\" (name) values ('0001_init.sql')");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT 1 | SELECT",
        "values (1) | SELECT",
        "WITH x AS (SELECT 1) SELECT * FROM x | SELECT",
        "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x | WRITE",
        "with recursive c(n) as (select 1 union all select n+1 from c) delete from t | WRITE",
        "INSERT OR REPLACE INTO t VALUES (1) | WRITE",
        "replace into t values (1) | WRITE",
        "UPDATE t SET a = 1 | WRITE",
        "DELETE FROM t | WRITE",
        "CREATE TABLE t(a) | DDL",
        "drop table t | DDL",
        "ALTER TABLE t ADD b | DDL",
        "PRAGMA table_info(t) | PRAGMA",
        "EXPLAIN QUERY PLAN SELECT 1 | EXPLAIN",
        "EXPLAIN INSERT INTO t VALUES (1) | EXPLAIN",
        "EXPLAIN PRAGMA writable_schema = 1 | PRAGMA",
        "BEGIN | TRANSACTION",
        "end transaction | TRANSACTION",
        "SAVEPOINT s | TRANSACTION",
        "ATTACH 'x' AS y | ATTACH",
        "DETACH y | ATTACH",
        "VACUUM | VACUUM",
        "ANALYZE | ANALYZE",
        "REINDEX | REINDEX",
        "SELEC 1 | OTHER",
        "/* leading comment */ SELECT 1 | SELECT",
      })
  void statementsAreClassifiedByTheirLeadingKeywords(String sql, StatementKind kind) {
    assertThat(StatementSplitter.split(sql))
        .singleElement()
        .extracting(SqlStatement::kind)
        .isEqualTo(kind);
  }

  @Test
  void leadingLineCommentsAreSkipped() {
    assertThat(StatementSplitter.split("-- a note\n  SELECT 1").get(0).kind())
        .isEqualTo(StatementKind.SELECT);
  }

  @Test
  void pragmasAreReadWithTheirSchemaAndForm() {
    SqlStatement info = StatementSplitter.split("PRAGMA main.table_info(\"t\")").get(0);
    assertThat(info.pragmaName()).contains("table_info");
    assertThat(info.pragmaSchema()).contains("main");
    assertThat(info.pragmaAssigns()).isFalse();
    SqlStatement set = StatementSplitter.split("pragma FOREIGN_KEYS = off").get(0);
    assertThat(set.pragmaName()).contains("foreign_keys");
    assertThat(set.pragmaAssigns()).isTrue();
    assertThat(StatementSplitter.split("PRAGMA recursive_triggers(1)").get(0).pragmaAssigns())
        .isTrue();
    assertThat(StatementSplitter.split("PRAGMA foreign_keys").get(0).pragmaAssigns()).isFalse();
  }

  @Test
  void theTargetTableIsFoundThroughQuotingAndSchemas() {
    assertThat(target("INSERT INTO t VALUES (1)")).contains("t");
    assertThat(target("insert or ignore into main.\"My Table\" values (1)")).contains("My Table");
    assertThat(target("UPDATE OR REPLACE `x` SET a = 1")).contains("x");
    assertThat(target("DELETE FROM [y] WHERE 1")).contains("y");
    assertThat(target("WITH c AS (SELECT 1) REPLACE INTO z SELECT * FROM c")).contains("z");
    assertThat(target("SELECT 1")).isEmpty();
  }

  private static Optional<String> target(String sql) {
    return StatementSplitter.split(sql).get(0).targetTable();
  }

  @Test
  void reservedTablesAreSpottedOnlyAsIdentifiers() {
    assertThat(reserved("SELECT * FROM _cf_KV")).isTrue();
    assertThat(reserved("SELECT * FROM \"_CF_METADATA\"")).isTrue();
    assertThat(reserved("SELECT '_cf_KV'")).isFalse();
    assertThat(reserved("SELECT * FROM my_cf_table")).isFalse();
    assertThat(StatementSplitter.split("CREATE TEMPORARY TABLE x(a)").get(0).createsTemp())
        .isTrue();
    assertThat(StatementSplitter.split("CREATE TABLE temp(a)").get(0).createsTemp()).isFalse();
  }

  private static boolean reserved(String sql) {
    return StatementSplitter.split(sql).get(0).touchesReservedTable();
  }

  @Test
  void randomJoinsOfTrickyStatementsSplitBackIntoThem() {
    List<String> pool =
        List.of(
            "SELECT 'a;b'",
            "SELECT \"x;\" FROM [t;u]",
            "INSERT INTO t VALUES ('--;', '/*;*/')",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN 2 END; SELECT 3; END",
            "SELECT `q;` /* c; */",
            "UPDATE t SET a = 'it''s;'",
            "SELECT x'00ff'");
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<String> chosen = new ArrayList<>();
      StringBuilder sql = new StringBuilder();
      for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
        String s = pool.get(random.nextInt(pool.size()));
        chosen.add(s.endsWith("*/") ? s.substring(0, s.indexOf(" /*")) : s);
        sql.append(s).append(random.nextBoolean() ? ";\n" : "; ");
        if (random.nextInt(4) == 0) {
          sql.append("-- note; here\n");
        }
      }
      assertThat(texts(sql.toString())).as(sql.toString()).containsExactlyElementsOf(chosen);
    }
  }
}
