package dev.opend1.sql;

import static dev.opend1.sql.StatementClassifierTest.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D1 reserves the names of tables, views, indexes, triggers and virtual tables that start with
 * {@code _cf_} (any ASCII case), not column names; DDL giving such a name is spotted.
 */
class DdlNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void reservedNamesAreSpottedWhereDdlGivesThem(String sql, boolean reserved) {
    assertThat(one(sql).namesReservedObject()).isEqualTo(reserved);
  }

  static Stream<Arguments> reservedNamesAreSpottedWhereDdlGivesThem() {
    return Stream.of(
        Arguments.of("CREATE TABLE _cf_mine(a)", true),
        Arguments.of("create table IF NOT EXISTS \"_CF_x\"(a)", true),
        Arguments.of("CREATE TABLE main.[_cf_x](a)", true),
        Arguments.of("CREATE VIEW _cf_v AS SELECT 1", true),
        Arguments.of("CREATE UNIQUE INDEX _cf_i ON t(a)", true),
        Arguments.of("CREATE INDEX i ON _cf_KV(key)", true),
        Arguments.of("CREATE INDEX i ON '_cf_KV'(key)", true),
        Arguments.of("CREATE TRIGGER _cf_tr AFTER INSERT ON t BEGIN SELECT 1; END", true),
        Arguments.of("CREATE TRIGGER tr AFTER UPDATE OF a ON _cf_KV BEGIN SELECT 1; END", true),
        Arguments.of("CREATE VIRTUAL TABLE _cf_f USING fts5(a)", true),
        Arguments.of("DROP TABLE IF EXISTS _cf_KV", true),
        Arguments.of("DROP INDEX main._cf_i", true),
        Arguments.of("ALTER TABLE _cf_KV ADD COLUMN b", true),
        Arguments.of("ALTER TABLE t RENAME TO _cf_x", true),
        // columns are not reserved; neither are names elsewhere in the statement
        Arguments.of("CREATE TABLE x(_cf_col)", false),
        Arguments.of("ALTER TABLE t RENAME COLUMN a TO _cf_a", false),
        Arguments.of("ALTER TABLE t ADD COLUMN _cf_b", false),
        Arguments.of(
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO u VALUES (1); END", false),
        Arguments.of("CREATE TABLE my_cf_table(a)", false),
        Arguments.of("CREATE INDEX i ON t(_cf_col)", false),
        Arguments.of("SELECT * FROM _cf_KV", false));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void virtualTableModulesAreRead(String sql, String module) {
    assertThat(one(sql).virtualTableModule()).isEqualTo(Optional.ofNullable(module));
  }

  static Stream<Arguments> virtualTableModulesAreRead() {
    return Stream.of(
        Arguments.of("CREATE VIRTUAL TABLE f USING fts5(body)", "fts5"),
        Arguments.of("create virtual table if not exists main.f using FTS3", "FTS3"),
        Arguments.of("CREATE VIRTUAL TABLE \"f\" USING \"fts4\"(x)", "fts4"),
        Arguments.of("CREATE VIRTUAL TABLE f USING $a(') fts5 --'", ""),
        Arguments.of("CREATE TABLE f(a)", null));
  }
}
