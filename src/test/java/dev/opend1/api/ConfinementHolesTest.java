package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.core.SqlCompat;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ImportDriver;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The confinement holes found by trying opend1 as an attacker would, each reproduced as it was
 * reported, in both SQL dialects: a pointer-passing function, SQL hidden behind SQLite's parameter
 * syntax, imports reaching sqlite-jdbc's own commands or leaving TEMP objects behind, writable
 * shadow tables; and D1's {@code _cf_KV} table as D1 has it.
 */
class ConfinementHolesTest {

  @TempDir Path dir;

  private static final String ACCOUNT = "00000000000000000000000000000c0f";
  private static final String TOKEN = "confinement-token";
  private static final String DBS = "/client/v4/accounts/" + ACCOUNT + "/d1/database";

  private static TestServer server(Path dir, SqlCompat mode) {
    return TestServer.start(dir.resolve("data"), Map.of("sql-compat", mode.setting()));
  }

  private static String newDatabase(D1Client client, String name) {
    return databases()
        + "/"
        + client.post(databases(), "{\"name\":\"" + name + "\"}").result().get("uuid").asText();
  }

  /** A batch whose first statement plants a tokenizer at a chosen address: SIGSEGV before. */
  private static final String CRASH_BATCH =
      "{\"batch\":[{\"sql\":\"SELECT fts3_tokenizer(?, ?)\",\"params\":[\"evil\","
          + "[65,65,65,65,65,65,65,65]]},"
          + "{\"sql\":\"CREATE VIRTUAL TABLE temp.boom USING fts3(body, tokenize=evil)\"}]}";

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void fts3TokenizerNeverRunsAndTheServerLivesOn(SqlCompat mode) throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            dir,
            List.of(),
            List.of("--sql-compat", mode.setting()),
            Map.of("OPEND1_ACCOUNT_ID", ACCOUNT, "OPEND1_API_TOKEN", TOKEN))) {
      D1Client client = new D1Client(server.baseUrl(), Map.of("Authorization", "Bearer " + TOKEN));
      String db = DBS + "/" + client.post(DBS, "{\"name\":\"f\"}").result().get("uuid").asText();

      Reply leak = client.post(db + "/query", sql("SELECT hex(fts3_tokenizer(?)) AS p", "simple"));
      assertThat(leak.status()).as(leak.body()).isEqualTo(400);
      assertThat(leak.errorMessage())
          .isEqualTo(
              mode == SqlCompat.D1
                  ? "no such function: fts3_tokenizer: SQLITE_ERROR"
                  : "not authorized to use function: fts3_tokenizer: SQLITE_AUTH");

      Reply crash = client.post(db + "/query", CRASH_BATCH);
      assertThat(crash.status()).as(crash.body()).isEqualTo(400);
      assertThat(crash.errorCode()).isEqualTo(7500);

      Reply alive = client.post(db + "/query", sql("SELECT 1 AS one"));
      assertThat(alive.status()).as(server.stderr()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void parameterNamesHideNothingFromTheRules(SqlCompat mode) throws Exception {
    try (TestServer server = server(dir, mode)) {
      D1Client client = server.client();
      String db = newDatabase(client, "p");
      for (String hidden :
          List.of(
              "SELECT $a(') AS h, file FROM pragma_database_list --'",
              "SELECT :a(') AS h, * FROM pragma_compile_options --'",
              "SELECT @a(') AS h, * FROM pragma_function_list --'",
              "SELECT $a(') AS h, * FROM pragma_module_list --'")) {
        Reply r = client.post(db + "/query", sql(hidden, 1));
        assertThat(r.status()).as(hidden + " -> " + r.body()).isEqualTo(400);
        assertThat(r.errorMessage()).isEqualTo("not authorized: SQLITE_AUTH");
        assertThat(r.body()).doesNotContain(dir.toString());
      }
      Reply kv = client.post(db + "/query", sql("SELECT $a(') AS h, * FROM _cf_KV --'", 1));
      assertThat(kv.errorMessage()).isEqualTo("access to _cf_KV.key is prohibited: SQLITE_AUTH");
    }
  }

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void importsReachNothingButSqlitesStatementApi(SqlCompat mode) throws Exception {
    Path planted = dir.resolve("planted.db");
    Path other = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE stolen(a)");
    }
    try (TestServer server = server(dir, mode)) {
      D1Client client = server.client();
      String db = newDatabase(client, "i");
      JsonNode backup = ImportDriver.run(client, db, "backup to '" + planted + "';\n");
      assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("error");
      assertThat(backup.get("error").asText()).startsWith("Statement 1 failed: near \"backup\"");
      assertThat(planted).doesNotExist();

      JsonNode restore = ImportDriver.run(client, db, "restore from '" + other + "';\n");
      assertThat(restore.get("status").asText()).as(restore.toString()).isEqualTo("error");
      Reply tables =
          client.post(
              db + "/query", sql("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'stolen'"));
      assertThat(tables.result().at("/0/results/0/n").asInt()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void anImportedTempTriggerNeverOutlivesTheImport(SqlCompat mode) throws Exception {
    try (TestServer server = server(dir, mode)) {
      D1Client client = server.client();
      String db = newDatabase(client, "t");
      assertThat(client.post(db + "/query", sql("CREATE TABLE t(a)")).status()).isEqualTo(200);
      JsonNode imported =
          ImportDriver.run(
              client,
              db,
              "INSERT INTO t VALUES (1);\n"
                  + "CREATE TEMP TRIGGER wipe AFTER INSERT ON main.t BEGIN DELETE FROM main.t; END;\n");
      if (mode == SqlCompat.D1) {
        assertThat(imported.get("error").asText())
            .isEqualTo("Statement 2 failed: not authorized: SQLITE_AUTH");
      } else {
        assertThat(imported.get("status").asText()).as(imported.toString()).isEqualTo("complete");
      }
      // Later writes on the writer stay: no trigger of the import is left on its connection.
      for (int i = 0; i < 3; i++) {
        assertThat(client.post(db + "/query", sql("INSERT INTO t VALUES (2)")).status())
            .isEqualTo(200);
      }
      Reply n = client.post(db + "/query", sql("SELECT count(*) AS n FROM t WHERE a = 2"));
      assertThat(n.result().at("/0/results/0/n").asInt()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void importsFollowD1sImportRulesInD1sDialectOnly(SqlCompat mode) throws Exception {
    try (TestServer server = server(dir, mode)) {
      D1Client client = server.client();
      String db = newDatabase(client, "r");
      JsonNode wrapped =
          ImportDriver.run(
              client,
              db,
              "BEGIN TRANSACTION;\nCREATE TABLE w(a);\nINSERT INTO w VALUES (1);\nCOMMIT;\n");
      String longInsert = "INSERT INTO w VALUES ('" + "x".repeat(100_001) + "');\n";
      JsonNode tooLong =
          ImportDriver.run(client, db, "CREATE TABLE IF NOT EXISTS w(a);\n" + longInsert);
      JsonNode shadow =
          ImportDriver.run(
              client,
              db,
              "CREATE VIRTUAL TABLE f USING fts5(body);\nINSERT INTO f VALUES ('a');\n"
                  + "UPDATE f_data SET block = x'00ff00ff';\n");
      assertThat(shadow.get("error").asText())
          .isEqualTo("Statement 3 failed: table f_data may not be modified: SQLITE_ERROR");
      if (mode == SqlCompat.D1) {
        assertThat(wrapped.get("error").asText())
            .isEqualTo("Statement 1 failed: not authorized: SQLITE_AUTH");
        assertThat(tooLong.get("error").asText())
            .isEqualTo("Statement 2 failed: statement too long: SQLITE_TOOBIG");
      } else {
        assertThat(wrapped.get("status").asText()).as(wrapped.toString()).isEqualTo("complete");
        assertThat(tooLong.get("status").asText()).as(tooLong.toString()).isEqualTo("complete");
      }
    }
  }

  @Test
  void everyDatabaseHasD1sCfKvTableListedButClosed() throws Exception {
    try (TestServer server = server(dir, SqlCompat.D1)) {
      D1Client client = server.client();
      String db = newDatabase(client, "kv");
      Reply schema = client.post(db + "/query", sql("SELECT name, sql FROM sqlite_schema"));
      assertThat(schema.result().at("/0/results/0/name").asText()).isEqualTo("_cf_KV");
      assertThat(schema.result().at("/0/results/0/sql").asText())
          .isEqualTo(
              "CREATE TABLE _cf_KV (\n        key TEXT PRIMARY KEY,\n        value BLOB\n      )"
                  + " WITHOUT ROWID");
      Reply list = client.post(db + "/query", sql("PRAGMA table_list"));
      assertThat(list.body()).contains("\"_cf_KV\"");
      assertThat(client.post(db + "/query", sql("DROP TABLE _cf_KV")).errorMessage())
          .isEqualTo("not authorized: SQLITE_AUTH");
      assertThat(client.post(db + "/query", sql("CREATE TABLE x(_cf_col)")).status())
          .isEqualTo(200);
      assertThat(client.get(db).result().get("num_tables").asInt()).isEqualTo(1);
      String dump = TransferApiTest.exportText(client, db);
      assertThat(dump).contains("CREATE TABLE x(_cf_col)").doesNotContain("_cf_KV");
      // A dump that carries D1's own table (as a D1 export never does) is refused like on D1.
      JsonNode again = ImportDriver.run(client, newDatabase(client, "kv2"), SQLITE_CF_KV + "\n");
      assertThat(again.get("error").asText())
          .isEqualTo("Statement 1 failed: not authorized: SQLITE_AUTH");
    }
    assertThat(Files.exists(dir)).isTrue();
  }

  private static final String SQLITE_CF_KV =
      "CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;";
}
