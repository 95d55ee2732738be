package dev.opend1.sql;

import static dev.opend1.sql.StatementClassifierTest.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** D1 reserves tables whose names start with {@code _cf_}; a statement naming one is spotted. */
class ReservedTablesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void reservedTablesAreSpottedWhereSqliteReadsANameOnly(String sql, boolean touches) {
    assertThat(one(sql).touchesReservedTable()).isEqualTo(touches);
  }

  static Stream<Arguments> reservedTablesAreSpottedWhereSqliteReadsANameOnly() {
    return Stream.of(
        // bare and quoted identifiers, anywhere
        touches("SELECT * FROM _cf_KV", true),
        touches("select * from _CF_kv", true),
        touches("SELECT * FROM \"_cf_METADATA\"", true),
        touches("SELECT * FROM `_cf_KV`", true),
        touches("SELECT * FROM [_cf_KV]", true),
        touches("SELECT * FROM main._cf_KV", true),
        touches("DELETE FROM _cf_KV", true),
        touches("DROP TABLE IF EXISTS _cf_KV", true),
        touches("CREATE TABLE _cf_mine(a)", true),
        touches("ALTER TABLE t RENAME TO _cf_x", true),
        touches("SELECT a AS _cf_alias FROM t", true),
        touches("CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM _cf_KV; END", true),
        touches("PRAGMA table_info(_cf_KV)", true),
        // strings where SQLite reads a table name
        touches("SELECT * FROM '_cf_KV'", true),
        touches("INSERT INTO '_cf_KV' VALUES (1)", true),
        touches("UPDATE '_cf_KV' SET v = 1", true),
        touches("UPDATE OR REPLACE '_cf_KV' SET v = 1", true),
        touches("DELETE FROM main.'_cf_KV'", true),
        touches("SELECT * FROM t JOIN '_cf_KV' ON 1", true),
        touches("SELECT * FROM t, '_cf_KV'", true),
        touches("SELECT * FROM (SELECT 1) AS s, t AS u JOIN v ON v.a = u.a, '_cf_KV'", true),
        touches("UPDATE t SET a = 1 FROM x, '_cf_KV'", true),
        touches("SELECT 1 WHERE 1 IN '_cf_KV'", true),
        touches("SELECT '_cf_KV'.k FROM t", true),
        touches("DROP TABLE '_cf_KV'", true),
        touches("CREATE INDEX i ON '_cf_KV'(k)", true),
        touches("CREATE TABLE c(a REFERENCES '_cf_KV')", true),
        // strings that are values
        touches("SELECT '_cf_KV'", false),
        touches("INSERT INTO t VALUES ('_cf_KV', 1)", false),
        touches("INSERT INTO t VALUES (1, '_cf_KV')", false),
        touches("SELECT name FROM sqlite_schema WHERE name LIKE '_cf_%'", false),
        touches("SELECT a, '_cf_KV' FROM t", false),
        touches("SELECT * FROM t WHERE a IN ('_cf_KV', 'b')", false),
        touches("SELECT * FROM t ORDER BY a, '_cf_KV'", false),
        touches("SELECT * FROM t GROUP BY a, '_cf_KV'", false),
        touches("SELECT (SELECT 1 FROM t), '_cf_KV'", false),
        touches("UPDATE t SET a = 1, b = '_cf_KV' WHERE c = 2", false),
        touches(
            "INSERT INTO t SELECT 1 FROM u WHERE true ON CONFLICT DO UPDATE SET a = 1, b = '_cf_x'",
            false),
        touches("SELECT * FROM t WHERE a = 1 RETURNING a, '_cf_x'", false),
        touches("SELECT * FROM t -- _cf_KV in a comment\n", false),
        touches("SELECT * FROM t /* _cf_KV */", false),
        // names that only contain the prefix
        touches("SELECT * FROM my_cf_table", false),
        touches("SELECT * FROM cf_KV", false),
        touches("SELECT * FROM _cfKV", false),
        touches("SELECT * FROM \"my _cf_ table\"", false),
        touches("SELECT :_cf_param", false));
  }

  private static Arguments touches(String sql, boolean touches) {
    return Arguments.of(sql, touches);
  }
}
