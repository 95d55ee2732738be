package dev.opend1.sql;

import static dev.opend1.sql.StatementClassifierTest.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table-valued names a statement uses are spotted where SQLite reads a name: PRAGMA functions
 * and the tables some builds lack.
 */
class NamePositionsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void tableFunctionsAreSpottedWhereSqliteReadsANameOnly(String sql, boolean touches) {
    assertThat(one(sql.replace("_cf_KV", "dbstat").replace("_CF_kv", "DBSTAT")).tableFunctions())
        .as(sql)
        .isEqualTo(touches ? java.util.List.of("dbstat") : java.util.List.of());
  }

  static Stream<Arguments> tableFunctionsAreSpottedWhereSqliteReadsANameOnly() {
    return Stream.of(
        // bare and quoted identifiers, anywhere
        touches("SELECT * FROM _cf_KV", true),
        touches("select * from _CF_kv", true),
        touches("SELECT * FROM `_cf_KV`", true),
        touches("SELECT * FROM [_cf_KV]", true),
        touches("SELECT * FROM main._cf_KV", true),
        touches("DELETE FROM _cf_KV", true),
        touches("DROP TABLE IF EXISTS _cf_KV", true),
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
        touches("SELECT a, '_cf_KV' FROM t", false),
        touches("SELECT * FROM t WHERE a IN ('_cf_KV', 'b')", false),
        touches("SELECT * FROM t ORDER BY a, '_cf_KV'", false),
        touches("SELECT * FROM t GROUP BY a, '_cf_KV'", false),
        touches("SELECT (SELECT 1 FROM t), '_cf_KV'", false),
        touches("UPDATE t SET a = 1, b = '_cf_KV' WHERE c = 2", false),
        touches("SELECT * FROM t -- _cf_KV in a comment\n", false),
        touches("SELECT * FROM t /* _cf_KV */", false),
        // names that only contain it, and parameters
        touches("SELECT * FROM mydbstat", false),
        touches("SELECT :dbstat_param", false),
        touches("SELECT $a(') AS h FROM _cf_KV --'", true));
  }

  private static Arguments touches(String sql, boolean touches) {
    return Arguments.of(sql, touches);
  }
}
