package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.SqlCompat;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SQL sandbox, one row per escape attempt with the exact error text it gets (HTTP 400, code
 * 7500), in D1's dialect and in SQLite's ({@code --sql-compat}), which lifts D1's dialect but never
 * the sandbox. After each row the database must be unchanged: a canary table still holds its one
 * row, and nothing was written outside the data directory. The corpus grows with every hole found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxTest {

  @TempDir static Path dir;
  final Map<SqlCompat, TestServer> servers = new EnumMap<>(SqlCompat.class);
  final Map<SqlCompat, String> queries = new EnumMap<>(SqlCompat.class);

  private static final String AUTH = "not authorized: ";
  private static final String NOT_AUTHORIZED = "not authorized: SQLITE_AUTH";
  private static final String FUNCTION = "not authorized to use function: ";
  private static final String READ_CF_KV = "access to _cf_KV.key is prohibited: SQLITE_AUTH";

  /** D1's text for a request its runtime stopped (docs: d1/observability/debug-d1). */
  private static final String TIME_LIMIT = "D1 DB exceeded its CPU time limit and was reset.";

  /** The same text in both dialects. */
  private static final String SAME = null;

  /** Not an escape in SQLite's dialect: the attempt succeeds there, and changes nothing. */
  private static final String ALLOWED = "(allowed)";

  @BeforeAll
  void start() {
    for (SqlCompat mode : SqlCompat.values()) {
      TestServer server =
          TestServer.start(
              dir.resolve("data-" + mode.setting()),
              Map.of(
                  "query-timeout-ms", "300",
                  "max-value-bytes", "1000000",
                  "sql-compat", mode.setting()));
      D1Client client = server.client();
      String uuid =
          client.post(databases(), "{\"name\":\"sandbox\"}").result().get("uuid").asText();
      String query = databases() + "/" + uuid + "/query";
      assertThat(
              client
                  .post(query, sql("CREATE TABLE canary(a); INSERT INTO canary VALUES (1)"))
                  .status())
          .isEqualTo(200);
      servers.put(mode, server);
      queries.put(mode, query);
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (TestServer s : servers.values()) {
      s.close();
    }
  }

  /** An attempt refused with {@code text} in both dialects. */
  private static Arguments refused(String attempt, String text) {
    return Arguments.of(attempt, text, SAME);
  }

  /** An attempt refused with {@code d1} in D1's dialect and {@code sqlite} in SQLite's. */
  private static Arguments refused(String attempt, String d1, String sqlite) {
    return Arguments.of(attempt, d1, sqlite);
  }

  /** The corpus: attempt, D1's text, SQLite's text (SAME, or ALLOWED). */
  static Stream<Arguments> corpus() {
    return Stream.of(
        // SQLite's TCL-style parameter names swallow text up to a space or ')' (tokenize.c)
        refused("SELECT $a(') AS h, file FROM pragma_database_list --'", NOT_AUTHORIZED),
        refused("SELECT :a(') AS h, * FROM pragma_compile_options --'", NOT_AUTHORIZED),
        refused("SELECT @a(') AS h, * FROM pragma_function_list --'", NOT_AUTHORIZED),
        refused("SELECT #a(') AS h, * FROM pragma_module_list --'", NOT_AUTHORIZED),
        refused(
            "SELECT $a(') AS h, * FROM _cf_KV --'",
            "access to _cf_KV.key is prohibited: SQLITE_AUTH"),
        // fts3_tokenizer takes and returns native pointers; D1 has no FTS3 at all
        refused(
            "SELECT hex(fts3_tokenizer('simple')) AS p",
            "no such function: fts3_tokenizer: SQLITE_ERROR",
            FUNCTION + "fts3_tokenizer: SQLITE_AUTH"),
        refused(
            "CREATE VIEW tok AS SELECT fts3_tokenizer('simple') AS p; SELECT * FROM tok",
            // SQLite itself: FTS3 registers it SQLITE_DIRECTONLY, never usable from a view
            "unsafe use of fts3_tokenizer(): SQLITE_ERROR"),
        refused("CREATE VIRTUAL TABLE f3 USING fts3(body)", NOT_AUTHORIZED, ALLOWED),
        refused("ATTACH DATABASE '$DIR/x.db' AS x", "not authorized: SQLITE_AUTH"),
        refused("attach '$DIR/x.db' as x", "not authorized: SQLITE_AUTH"),
        refused("DETACH DATABASE main", "not authorized: SQLITE_AUTH"),
        refused(
            "VACUUM INTO '$DIR/copy.db'", "cannot VACUUM from within a transaction: SQLITE_ERROR"),
        refused("VACUUM", "cannot VACUUM from within a transaction: SQLITE_ERROR"),
        refused("SELECT load_extension('$DIR/evil')", AUTH + "SQLITE_ERROR"),
        refused("SELECT load_extension('libc.so.6', 'system')", AUTH + "SQLITE_ERROR"),
        refused("PRAGMA journal_mode = DELETE", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA journal_mode", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA main.journal_mode = OFF", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA wal_checkpoint(TRUNCATE)", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA writable_schema = ON", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA temp_store_directory = '$DIR'", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA data_store_directory = '$DIR'", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA locking_mode = EXCLUSIVE", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA mmap_size = 1000000", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA cache_size = -1000000", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA synchronous = OFF", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA max_page_count = 1", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA page_size = 512", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA auto_vacuum = FULL", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA database_list", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA trusted_schema = ON", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA cell_size_check = OFF", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA query_only = ON", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA secure_delete = OFF", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA temp_store = MEMORY", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA busy_timeout = 0", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA hard_heap_limit = 1", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA soft_heap_limit = 1", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA threads = 8", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA shrink_memory", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA compile_options", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA function_list", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA no_such_pragma", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA Journal_Mode=wal", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA temp.foreign_keys = OFF", "not authorized: SQLITE_AUTH"),
        refused("PRAGMA user_version = 7", "not authorized: SQLITE_AUTH"),
        refused(
            "UPDATE sqlite_schema SET sql = 'x'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        refused(
            "UPDATE sqlite_master SET sql = 'x'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        refused(
            "DELETE FROM sqlite_master", "table sqlite_master may not be modified: SQLITE_ERROR"),
        refused(
            "INSERT INTO sqlite_schema VALUES ('table','z','z',0,'CREATE TABLE z(a)')",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        refused(
            "UPDATE main.sqlite_schema SET name = 'y' WHERE name = 'canary'",
            "table sqlite_master may not be modified: SQLITE_ERROR"),
        refused("DROP TABLE sqlite_schema", "table sqlite_master may not be dropped: SQLITE_ERROR"),
        refused("SELECT * FROM _cf_KV", READ_CF_KV),
        refused("SELECT * FROM \"_cf_KV\"", READ_CF_KV),
        refused("SELECT * FROM [_cf_KV]", READ_CF_KV),
        refused("SELECT * FROM `_cf_KV`", READ_CF_KV),
        refused("SELECT * FROM '_cf_KV'", READ_CF_KV),
        refused("SELECT * FROM main._CF_kv", READ_CF_KV),
        refused("SELECT * FROM main.'_cf_KV'", READ_CF_KV),
        refused("CREATE TABLE _cf_mine(a)", "not authorized: SQLITE_AUTH"),
        refused("CREATE TABLE \"_CF_X\"(a)", "not authorized: SQLITE_AUTH"),
        refused("INSERT INTO '_cf_KV' VALUES (1, 2)", "not authorized: SQLITE_AUTH"),
        refused("DROP TABLE _cf_METADATA", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM canary, '_cf_KV'", READ_CF_KV),
        refused("SELECT * FROM canary JOIN \"_cf_KV\" ON 1", READ_CF_KV),
        refused("ALTER TABLE canary RENAME TO _cf_canary", "not authorized: SQLITE_AUTH"),
        refused("SELECT (SELECT count(*) FROM _cf_KV)", READ_CF_KV),
        refused("SELECT * FROM pragma_database_list", "not authorized: SQLITE_AUTH"),
        refused("SELECT file FROM pragma_database_list()", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM PRAGMA_DATABASE_LIST", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM \"pragma_database_list\"", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM main.pragma_database_list", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM 'pragma_database_list'", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM canary, pragma_database_list", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_journal_mode", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_journal_mode('delete')", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_writable_schema(1)", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_foreign_keys(0)", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_user_version(9)", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_compile_options", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_function_list", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_module_list", "not authorized: SQLITE_AUTH"),
        refused("SELECT * FROM pragma_pragma_list", "not authorized: SQLITE_AUTH"),
        refused("BEGIN", "not authorized: SQLITE_AUTH"),
        refused("COMMIT", "not authorized: SQLITE_AUTH"),
        refused("SAVEPOINT a", "not authorized: SQLITE_AUTH"),
        refused("ROLLBACK", "not authorized: SQLITE_AUTH"),
        refused(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            TIME_LIMIT),
        refused(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c AS a, c AS b",
            TIME_LIMIT),
        refused(
            "INSERT INTO canary SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)",
            TIME_LIMIT),
        refused("SELECT zeroblob(1000001)", "string or blob too big: SQLITE_TOOBIG"),
        refused("SELECT randomblob(1000001)", "string or blob too big: SQLITE_TOOBIG"),
        refused("SELECT length(zeroblob(2147483647))", "string or blob too big: SQLITE_TOOBIG"),
        refused("SELECT printf('%.*c', 1000001, 'x')", "string or blob too big: SQLITE_TOOBIG"),
        refused(
            "SELECT replace(hex(zeroblob(600000)), '0', 'ab')",
            "string or blob too big: SQLITE_TOOBIG"),
        refused(
            "INSERT INTO canary VALUES (zeroblob(1000001))",
            "string or blob too big: SQLITE_TOOBIG"),
        refused(
            "SELECT group_concat(hex(randomblob(1000))) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c)",
            "string or blob too big: SQLITE_TOOBIG"),
        refused("SELECT readfile('/etc/passwd')", "no such function: readfile: SQLITE_ERROR"),
        refused("SELECT writefile('$DIR/x', 'y')", "no such function: writefile: SQLITE_ERROR"),
        refused("SELECT edit('x')", "no such function: edit: SQLITE_ERROR"),
        refused("SELECT * FROM sqlite_dbpage", "no such table: sqlite_dbpage: SQLITE_ERROR"),
        refused(
            "CREATE VIRTUAL TABLE v USING csv(filename='/etc/passwd')",
            NOT_AUTHORIZED,
            "no such module: csv: SQLITE_ERROR"),
        // Functions D1 does not allow, wherever SQLite compiles them in
        refused("SELECT sqlite_version()", FUNCTION + "sqlite_version: SQLITE_AUTH", ALLOWED),
        refused("SELECT SQLITE_SOURCE_ID()", FUNCTION + "sqlite_source_id: SQLITE_AUTH", ALLOWED),
        refused("SELECT json_pretty('{}')", FUNCTION + "json_pretty: SQLITE_AUTH", ALLOWED),
        refused("SELECT unistr('a')", FUNCTION + "unistr: SQLITE_AUTH", ALLOWED),
        refused("SELECT median(a) FROM canary", "no such function: median: SQLITE_ERROR", ALLOWED),
        refused("SELECT charindex('a', 'b')", "no such function: charindex: SQLITE_ERROR", ALLOWED),
        refused(
            "CREATE VIEW vv AS SELECT sqlite_version() AS v; SELECT * FROM vv",
            FUNCTION + "sqlite_version: SQLITE_AUTH",
            ALLOWED),
        refused(
            "CREATE TABLE dflt(a, b DEFAULT (sqlite_version())); INSERT INTO dflt(a) VALUES (1)",
            FUNCTION + "sqlite_version: SQLITE_AUTH",
            ALLOWED),
        refused(
            "CREATE TABLE chk(a CHECK (json_pretty(a) IS NOT NULL)); INSERT INTO chk VALUES ('1')",
            FUNCTION + "json_pretty: SQLITE_AUTH",
            ALLOWED),
        refused(
            "CREATE TABLE trg(a); CREATE TRIGGER trg_t AFTER INSERT ON trg BEGIN"
                + " UPDATE canary SET a = sqlite_source_id(); END; INSERT INTO trg VALUES (1)",
            FUNCTION + "sqlite_source_id: SQLITE_AUTH",
            ALLOWED),
        // Virtual tables: only D1's modules; no writes to shadow tables in any dialect
        refused("SELECT * FROM dbstat", "no such table: dbstat: SQLITE_ERROR", ALLOWED),
        refused("CREATE VIRTUAL TABLE f4 USING fts4(body)", NOT_AUTHORIZED, ALLOWED),
        refused(
            "CREATE VIRTUAL TABLE fx USING fts5(body); INSERT INTO fx VALUES ('a');"
                + " UPDATE fx_data SET block = x'00ff00ff'",
            "table fx_data may not be modified: SQLITE_ERROR"),
        refused(
            "CREATE VIRTUAL TABLE fy USING fts5(body); DELETE FROM fy_idx",
            "table fy_idx may not be modified: SQLITE_ERROR"),
        refused(
            "CREATE VIRTUAL TABLE fz USING fts5(body); DROP TABLE fz_config",
            "table fz_config may not be dropped: SQLITE_ERROR"),
        refused(
            "CREATE VIRTUAL TABLE rt USING rtree(id, x0, x1); INSERT INTO rt_node VALUES (9, x'00')",
            "table rt_node may not be modified: SQLITE_ERROR"),
        // TEMP objects: D1 refuses them; SQLite's dialect allows them for the request only
        refused("CREATE TEMP TABLE tt(a)", NOT_AUTHORIZED, ALLOWED),
        refused(
            "CREATE TEMP TRIGGER tt_t AFTER INSERT ON canary BEGIN DELETE FROM main.canary; END",
            NOT_AUTHORIZED,
            ALLOWED),
        // D1's reserved _cf_KV: listed, never readable or writable
        refused("SELECT count(*) FROM _cf_KV", "access to _cf_KV.key is prohibited: SQLITE_AUTH"),
        refused(
            "CREATE VIEW kv AS SELECT * FROM _cf_KV; SELECT * FROM kv",
            "access to _cf_KV.key is prohibited: SQLITE_AUTH"),
        refused("DELETE FROM main._cf_KV", NOT_AUTHORIZED),
        refused("CREATE INDEX kvi ON _cf_KV(value)", NOT_AUTHORIZED),
        refused("PRAGMA table_info(_cf_KV)", NOT_AUTHORIZED),
        // PRAGMAs: D1's values only
        refused("PRAGMA foreign_keys = maybe", NOT_AUTHORIZED),
        refused("PRAGMA integrity_check", NOT_AUTHORIZED),
        refused("PRAGMA user_version", NOT_AUTHORIZED),
        refused("PRAGMA data_version = 5", NOT_AUTHORIZED));
  }

  /** Each attempt of the corpus, once per dialect. */
  static Stream<Arguments> escapes() {
    return corpus()
        .flatMap(
            row -> {
              Object[] a = row.get();
              String sqlite = a[2] == SAME ? (String) a[1] : (String) a[2];
              return Stream.of(
                  Arguments.of(SqlCompat.D1, a[0], a[1]),
                  Arguments.of(SqlCompat.SQLITE, a[0], sqlite));
            });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("escapes")
  void escapeIsRefused(SqlCompat mode, String attempt, String expected) throws Exception {
    D1Client client = servers.get(mode).client();
    String query = queries.get(mode);
    Reply r = client.post(query, sql(attempt.replace("$DIR", dir.toString())));
    if (expected.equals(ALLOWED)) {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    } else {
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("success").asBoolean()).isFalse();
      assertThat(r.errorCode()).isEqualTo(7500);
      assertThat(r.errorMessage()).isEqualTo(expected);
    }
    assertThat(r.body()).doesNotContain(dir.toString());
    // Nothing changed: the canary is intact and no file appeared beside the data directories.
    Reply canary = client.post(query, sql("SELECT count(*) AS n, max(a) AS a FROM canary"));
    assertThat(canary.result().at("/0/results/0/n").asInt()).as(canary.body()).isEqualTo(1);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("data-d1", "data-sqlite");
    }
  }

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void introspectionFunctionsAndOrdinaryNamesStayAllowed(SqlCompat mode) {
    D1Client client = servers.get(mode).client();
    String query = queries.get(mode);
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
            "PRAGMA data_version",
            "PRAGMA page_size",
            "PRAGMA table_list",
            "CREATE TABLE IF NOT EXISTS cols(_cf_col)",
            "SELECT _cf_col FROM cols",
            "SELECT json_each.value FROM json_each('[1,2]')",
            "SELECT sqlite_rename_test IS NULL FROM (SELECT 1 AS sqlite_rename_test)",
            "ALTER TABLE cols RENAME TO cols2",
            "ALTER TABLE cols2 RENAME TO cols",
            "SELECT ceil(1.5), pow(2, 3), iif(1, 'a', 'b'), json_extract('{\"a\":1}', '$.a')")) {
      Reply r = client.post(query, sql(s));
      assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(200);
    }
    Reply info = client.post(query, sql("SELECT name FROM pragma_table_info('canary')"));
    assertThat(info.result().at("/0/results/0/name").asText()).isEqualTo("a");
  }
}
