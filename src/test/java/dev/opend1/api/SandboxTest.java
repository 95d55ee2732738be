package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SQL sandbox, one row per escape attempt with the exact D1 error text it gets (HTTP 400, code
 * 7500). After each row the database must be unchanged: a canary table still holds its one row, and
 * nothing was written outside the data directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxTest {

  @TempDir static Path dir;
  TestServer server;
  D1Client client;
  String query;

  private static final String AUTH = "not authorized: ";
  private static final String PRAGMA_ALLOWED =
      " is not allowed: D1 allows introspection (table_list, table_info, index_list,"
          + " foreign_key_check, quick_check...), the settings foreign_keys, defer_foreign_keys,"
          + " case_sensitive_like, ignore_check_constraints, legacy_alter_table,"
          + " recursive_triggers, reverse_unordered_selects, and optimize: SQLITE_AUTH";

  @BeforeAll
  void start() {
    server =
        TestServer.start(
            dir.resolve("data"), Map.of("query-timeout-ms", "300", "max-value-bytes", "1000000"));
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"sandbox\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    assertThat(
            client
                .post(query, sql("CREATE TABLE canary(a); INSERT INTO canary VALUES (1)"))
                .status())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  private static String pragma(String name) {
    return AUTH + "PRAGMA " + name + PRAGMA_ALLOWED;
  }

  private static String function(String name) {
    return AUTH
        + "PRAGMA function "
        + name.toLowerCase(java.util.Locale.ROOT)
        + " is not allowed: only the introspection ones (pragma_table_list, pragma_table_info,"
        + " pragma_index_list, pragma_foreign_key_list...) may be used: SQLITE_AUTH";
  }

  static Stream<Arguments> escapes() {
    return Stream.of(
        Arguments.of(
            "ATTACH DATABASE '$DIR/x.db' AS x",
            AUTH + "ATTACH and DETACH are not allowed: SQLITE_AUTH"),
        Arguments.of(
            "attach '$DIR/x.db' as x", AUTH + "ATTACH and DETACH are not allowed: SQLITE_AUTH"),
        Arguments.of(
            "DETACH DATABASE main", AUTH + "ATTACH and DETACH are not allowed: SQLITE_AUTH"),
        Arguments.of(
            "VACUUM INTO '$DIR/copy.db'",
            AUTH
                + "VACUUM is not allowed: it cannot run inside a request's transaction: SQLITE_AUTH"),
        Arguments.of(
            "VACUUM",
            AUTH
                + "VACUUM is not allowed: it cannot run inside a request's transaction: SQLITE_AUTH"),
        Arguments.of("SELECT load_extension('$DIR/evil')", AUTH + "SQLITE_ERROR"),
        Arguments.of("SELECT load_extension('libc.so.6', 'system')", AUTH + "SQLITE_ERROR"),
        Arguments.of("PRAGMA journal_mode = DELETE", pragma("journal_mode")),
        Arguments.of("PRAGMA journal_mode", pragma("journal_mode")),
        Arguments.of("PRAGMA main.journal_mode = OFF", pragma("journal_mode")),
        Arguments.of("PRAGMA wal_checkpoint(TRUNCATE)", pragma("wal_checkpoint")),
        Arguments.of("PRAGMA writable_schema = ON", pragma("writable_schema")),
        Arguments.of("PRAGMA temp_store_directory = '$DIR'", pragma("temp_store_directory")),
        Arguments.of("PRAGMA data_store_directory = '$DIR'", pragma("data_store_directory")),
        Arguments.of("PRAGMA locking_mode = EXCLUSIVE", pragma("locking_mode")),
        Arguments.of("PRAGMA mmap_size = 1000000", pragma("mmap_size")),
        Arguments.of("PRAGMA cache_size = -1000000", pragma("cache_size")),
        Arguments.of("PRAGMA synchronous = OFF", pragma("synchronous")),
        Arguments.of("PRAGMA max_page_count = 1", pragma("max_page_count")),
        Arguments.of("PRAGMA page_size = 512", pragma("page_size")),
        Arguments.of("PRAGMA auto_vacuum = FULL", pragma("auto_vacuum")),
        Arguments.of("PRAGMA database_list", pragma("database_list")),
        Arguments.of("PRAGMA trusted_schema = ON", pragma("trusted_schema")),
        Arguments.of("PRAGMA cell_size_check = OFF", pragma("cell_size_check")),
        Arguments.of("PRAGMA query_only = ON", pragma("query_only")),
        Arguments.of("PRAGMA secure_delete = OFF", pragma("secure_delete")),
        Arguments.of("PRAGMA temp_store = MEMORY", pragma("temp_store")),
        Arguments.of("PRAGMA busy_timeout = 0", pragma("busy_timeout")),
        Arguments.of("PRAGMA hard_heap_limit = 1", pragma("hard_heap_limit")),
        Arguments.of("PRAGMA soft_heap_limit = 1", pragma("soft_heap_limit")),
        Arguments.of("PRAGMA threads = 8", pragma("threads")),
        Arguments.of("PRAGMA shrink_memory", pragma("shrink_memory")),
        Arguments.of("PRAGMA compile_options", pragma("compile_options")),
        Arguments.of("PRAGMA function_list", pragma("function_list")),
        Arguments.of("PRAGMA no_such_pragma", pragma("no_such_pragma")),
        Arguments.of("PRAGMA Journal_Mode=wal", pragma("journal_mode")),
        Arguments.of(
            "PRAGMA temp.foreign_keys = OFF",
            AUTH
                + "PRAGMA temp.foreign_keys is not allowed: only the main schema may be named: SQLITE_AUTH"),
        Arguments.of(
            "PRAGMA user_version = 7",
            AUTH + "PRAGMA user_version may be read but not set: SQLITE_AUTH"),
        Arguments.of(
            "UPDATE sqlite_schema SET sql = 'x'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        Arguments.of(
            "UPDATE sqlite_master SET sql = 'x'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        Arguments.of(
            "DELETE FROM sqlite_master", "table sqlite_master may not be modified: SQLITE_ERROR"),
        Arguments.of(
            "INSERT INTO sqlite_schema VALUES ('table','z','z',0,'CREATE TABLE z(a)')",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        Arguments.of(
            "UPDATE main.sqlite_schema SET name = 'y' WHERE name = 'canary'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        Arguments.of(
            "DROP TABLE sqlite_schema", "table sqlite_master may not be dropped: SQLITE_ERROR"),
        Arguments.of(
            "SELECT * FROM _cf_KV",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM \"_cf_KV\"",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM [_cf_KV]",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM `_cf_KV`",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM '_cf_KV'",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM main._CF_kv",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM main.'_cf_KV'",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "CREATE TABLE _cf_mine(a)",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "CREATE TABLE \"_CF_X\"(a)",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "INSERT INTO '_cf_KV' VALUES (1, 2)",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "DROP TABLE _cf_METADATA",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM canary, '_cf_KV'",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT * FROM canary JOIN \"_cf_KV\" ON 1",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "ALTER TABLE canary RENAME TO _cf_canary",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of(
            "SELECT (SELECT count(*) FROM _cf_KV)",
            AUTH
                + "access to tables whose names start with _cf_ is not allowed (reserved by D1): SQLITE_AUTH"),
        Arguments.of("SELECT * FROM pragma_database_list", function("pragma_database_list")),
        Arguments.of("SELECT file FROM pragma_database_list()", function("pragma_database_list")),
        Arguments.of("SELECT * FROM PRAGMA_DATABASE_LIST", function("PRAGMA_DATABASE_LIST")),
        Arguments.of("SELECT * FROM \"pragma_database_list\"", function("pragma_database_list")),
        Arguments.of("SELECT * FROM main.pragma_database_list", function("pragma_database_list")),
        Arguments.of("SELECT * FROM 'pragma_database_list'", function("pragma_database_list")),
        Arguments.of(
            "SELECT * FROM canary, pragma_database_list", function("pragma_database_list")),
        Arguments.of("SELECT * FROM pragma_journal_mode", function("pragma_journal_mode")),
        Arguments.of(
            "SELECT * FROM pragma_journal_mode('delete')", function("pragma_journal_mode")),
        Arguments.of("SELECT * FROM pragma_writable_schema(1)", function("pragma_writable_schema")),
        Arguments.of("SELECT * FROM pragma_foreign_keys(0)", function("pragma_foreign_keys")),
        Arguments.of("SELECT * FROM pragma_user_version(9)", function("pragma_user_version")),
        Arguments.of("SELECT * FROM pragma_compile_options", function("pragma_compile_options")),
        Arguments.of("SELECT * FROM pragma_function_list", function("pragma_function_list")),
        Arguments.of("SELECT * FROM pragma_module_list", function("pragma_module_list")),
        Arguments.of("SELECT * FROM pragma_pragma_list", function("pragma_pragma_list")),
        Arguments.of(
            "BEGIN",
            AUTH
                + "Transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed: every request already runs as one transaction: SQLITE_AUTH"),
        Arguments.of(
            "COMMIT",
            AUTH
                + "Transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed: every request already runs as one transaction: SQLITE_AUTH"),
        Arguments.of(
            "SAVEPOINT a",
            AUTH
                + "Transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed: every request already runs as one transaction: SQLITE_AUTH"),
        Arguments.of(
            "ROLLBACK",
            AUTH
                + "Transaction statements (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) are not allowed: every request already runs as one transaction: SQLITE_AUTH"),
        Arguments.of(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            "D1 DB exceeded the time limit for one request and was interrupted: SQLITE_INTERRUPT"),
        Arguments.of(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c AS a, c AS b",
            "D1 DB exceeded the time limit for one request and was interrupted: SQLITE_INTERRUPT"),
        Arguments.of(
            "INSERT INTO canary SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)",
            "D1 DB exceeded the time limit for one request and was interrupted: SQLITE_INTERRUPT"),
        Arguments.of("SELECT zeroblob(1000001)", "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of("SELECT randomblob(1000001)", "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of(
            "SELECT length(zeroblob(2147483647))", "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of(
            "SELECT printf('%.*c', 1000001, 'x')", "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of(
            "SELECT replace(hex(zeroblob(600000)), '0', 'ab')",
            "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of(
            "INSERT INTO canary VALUES (zeroblob(1000001))",
            "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of(
            "SELECT group_concat(hex(randomblob(1000))) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c)",
            "string or blob too big: SQLITE_TOOBIG"),
        Arguments.of("SELECT readfile('/etc/passwd')", "no such function: readfile: SQLITE_ERROR"),
        Arguments.of(
            "SELECT writefile('$DIR/x', 'y')", "no such function: writefile: SQLITE_ERROR"),
        Arguments.of("SELECT edit('x')", "no such function: edit: SQLITE_ERROR"),
        Arguments.of("SELECT * FROM sqlite_dbpage", "no such table: sqlite_dbpage: SQLITE_ERROR"),
        Arguments.of(
            "CREATE VIRTUAL TABLE v USING csv(filename='/etc/passwd')",
            "no such module: csv: SQLITE_ERROR"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void escapeIsRefused(String attempt, String expected) throws Exception {
    Reply r = client.post(query, sql(attempt.replace("$DIR", dir.toString())));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("success").asBoolean()).isFalse();
    assertThat(r.errorCode()).isEqualTo(7500);
    assertThat(r.errorMessage()).isEqualTo(expected);
    assertThat(r.body()).doesNotContain(dir.toString());
    // Nothing changed: the canary is intact and no file appeared beside the data directory.
    Reply canary = client.post(query, sql("SELECT count(*) AS n, max(a) AS a FROM canary"));
    assertThat(canary.result().at("/0/results/0/n").asInt()).as(canary.body()).isEqualTo(1);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("data");
    }
  }

  @Test
  void introspectionFunctionsAndOrdinaryNamesStayAllowed() {
    for (String s :
        java.util.List.of(
            "SELECT name FROM pragma_table_list WHERE schema = 'main'",
            "SELECT name FROM pragma_table_info('canary')",
            "SELECT * FROM pragma_index_list('canary')",
            "SELECT * FROM pragma_foreign_key_list('canary')",
            "SELECT 'pragma_database_list' AS s",
            "SELECT * FROM canary WHERE a = 'pragma_database_list'",
            "SELECT name FROM sqlite_schema WHERE name LIKE '_cf_%'",
            "PRAGMA foreign_keys = OFF",
            "PRAGMA user_version")) {
      Reply r = client.post(query, sql(s));
      assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(200);
    }
    Reply info = client.post(query, sql("SELECT name FROM pragma_table_info('canary')"));
    assertThat(info.result().at("/0/results/0/name").asText()).isEqualTo("a");
  }
}
