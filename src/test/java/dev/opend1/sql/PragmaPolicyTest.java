package dev.opend1.sql;

import static dev.opend1.sql.StatementClassifierTest.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How PRAGMAs are read, and D1's allow-list. */
class PragmaPolicyTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void pragmasAreReadWithTheirSchemaNameAndForm(
      String sql, String schema, String name, boolean assigns) {
    SqlStatement s = one(sql);
    assertThat(s.kind()).isEqualTo(StatementKind.PRAGMA);
    assertThat(s.pragmaSchema()).isEqualTo(Optional.ofNullable(schema));
    assertThat(s.pragmaName()).isEqualTo(Optional.ofNullable(name));
    assertThat(s.pragmaAssigns()).isEqualTo(assigns);
  }

  static Stream<Arguments> pragmasAreReadWithTheirSchemaNameAndForm() {
    return Stream.of(
        Arguments.of("PRAGMA main.table_info(\"t\")", "main", "table_info", false),
        Arguments.of("PRAGMA table_info(t)", null, "table_info", false),
        Arguments.of("PRAGMA table_info = t", null, "table_info", false),
        Arguments.of("PRAGMA quick_check(10)", null, "quick_check", false),
        Arguments.of("PRAGMA optimize(0x10002)", null, "optimize", false),
        Arguments.of("PRAGMA table_list", null, "table_list", false),
        Arguments.of("pragma FOREIGN_KEYS = off", null, "foreign_keys", true),
        Arguments.of("PRAGMA foreign_keys", null, "foreign_keys", false),
        Arguments.of("PRAGMA recursive_triggers(1)", null, "recursive_triggers", true),
        Arguments.of("PRAGMA defer_foreign_keys=TRUE", null, "defer_foreign_keys", true),
        Arguments.of("PRAGMA MAIN.Foreign_Keys = 1", "main", "foreign_keys", true),
        Arguments.of("PRAGMA temp.foreign_keys", "temp", "foreign_keys", false),
        Arguments.of("PRAGMA \"main\".'foreign_keys' = 1", "main", "foreign_keys", true),
        Arguments.of("PRAGMA 'writable_schema' = 1", null, "writable_schema", true),
        Arguments.of("PRAGMA [journal_mode]", null, "journal_mode", false),
        Arguments.of("PRAGMA wal_checkpoint(TRUNCATE)", null, "wal_checkpoint", true),
        Arguments.of("/* x */ PRAGMA -- y\n user_version = 3", null, "user_version", true),
        Arguments.of("EXPLAIN PRAGMA writable_schema = 1", null, "writable_schema", true),
        Arguments.of("PRAGMA", null, null, false),
        Arguments.of("PRAGMA (1)", null, null, false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PRAGMA table_list",
        "PRAGMA table_info(t)",
        "PRAGMA main.table_info(\"t\")",
        "PRAGMA table_xinfo(t)",
        "PRAGMA index_list(t)",
        "PRAGMA index_info(i)",
        "PRAGMA index_xinfo(i)",
        "PRAGMA foreign_key_list(t)",
        "PRAGMA foreign_key_check",
        "PRAGMA foreign_key_check(t)",
        "PRAGMA quick_check",
        "PRAGMA quick_check(10)",
        "PRAGMA quick_check(t)",
        "PRAGMA data_version",
        "PRAGMA page_size",
        "PRAGMA foreign_keys = 'yes'",
        "PRAGMA foreign_keys = \"off\"",
        "PRAGMA foreign_keys = onion",
        "PRAGMA recursive_triggers = 10",
        "PRAGMA optimize(-1)",
        "PRAGMA foreign_keys",
        "PRAGMA foreign_keys = OFF",
        "pragma FOREIGN_KEYS = off",
        "PRAGMA defer_foreign_keys = on",
        "PRAGMA case_sensitive_like = 1",
        "PRAGMA ignore_check_constraints(1)",
        "PRAGMA legacy_alter_table = ON",
        "PRAGMA recursive_triggers = ON",
        "PRAGMA reverse_unordered_selects = ON",
        "PRAGMA optimize",
        "PRAGMA optimize(0x10002)",
        "EXPLAIN PRAGMA table_info(t)"
      })
  void d1sPragmasAreAllowed(String sql) {
    assertThat(PragmaPolicy.allows(one(sql))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PRAGMA journal_mode",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA synchronous = OFF",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA wal_autocheckpoint = 1",
        "PRAGMA writable_schema = ON",
        "PRAGMA 'writable_schema' = ON",
        "EXPLAIN PRAGMA writable_schema = 1",
        "PRAGMA mmap_size = 1000000",
        "PRAGMA temp_store_directory = '/tmp'",
        "PRAGMA locking_mode = EXCLUSIVE",
        "PRAGMA max_page_count = 1",
        "PRAGMA page_size = 512",
        "PRAGMA cache_size = -1",
        "PRAGMA database_list",
        "PRAGMA compile_options",
        "PRAGMA no_such_pragma",
        "PRAGMA user_version = 3",
        "PRAGMA user_version(3)",
        "PRAGMA user_version",
        "PRAGMA integrity_check",
        "PRAGMA schema_version",
        "PRAGMA function_list",
        "PRAGMA data_version = 5",
        "PRAGMA page_size(4096)",
        "PRAGMA foreign_keys = maybe",
        "PRAGMA foreign_keys = 'abcd'",
        "PRAGMA table_info",
        "PRAGMA table_info(_cf_KV)",
        "PRAGMA table_xinfo('_CF_kv')",
        "PRAGMA index_list",
        "PRAGMA foreign_key_check(_cf_KV)",
        "PRAGMA quick_check(_cf_KV)",
        "PRAGMA optimize(abc)",
        "PRAGMA optimize(0x1FFFFFFFF)",
        "PRAGMA main.journal_mode",
        "PRAGMA temp.foreign_keys = OFF",
        "PRAGMA temp.table_info(t)",
        "PRAGMA other.table_list",
        "PRAGMA"
      })
  void everyOtherPragmaIsRefused(String sql) {
    assertThat(PragmaPolicy.allows(one(sql))).isFalse();
  }

  @Test
  void refusalsUseD1sWords() {
    for (dev.opend1.core.SqlCompat mode : dev.opend1.core.SqlCompat.values()) {
      assertThat(SqlRules.refusal(one("PRAGMA Journal_Mode = WAL"), mode))
          .isEqualTo("not authorized: SQLITE_AUTH");
      assertThat(SqlRules.refusal(one("PRAGMA temp.foreign_keys"), mode))
          .isEqualTo("not authorized: SQLITE_AUTH");
      assertThat(SqlRules.refusal(one("PRAGMA table_list"), mode)).isNull();
    }
  }

  @Test
  void theResettableSettingsAreD1sWithTheirDefaults() {
    assertThat(PragmaPolicy.resettableDefaults())
        .containsExactly(
            java.util.Map.entry("foreign_keys", "ON"),
            java.util.Map.entry("defer_foreign_keys", "OFF"),
            java.util.Map.entry("case_sensitive_like", "OFF"),
            java.util.Map.entry("ignore_check_constraints", "OFF"),
            java.util.Map.entry("legacy_alter_table", "OFF"),
            java.util.Map.entry("recursive_triggers", "OFF"),
            java.util.Map.entry("reverse_unordered_selects", "OFF"));
  }

  @Test
  void everySettingThatCanBeSetIsReset() {
    for (String name : PragmaPolicy.resettableDefaults().keySet()) {
      SqlStatement set = one("PRAGMA " + name + " = 1");
      assertThat(set.pragmaAssigns()).as(name).isTrue();
      assertThat(PragmaPolicy.allows(set)).as(name).isTrue();
    }
  }
}
