package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ImportDriver;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET .../time_travel/diff}: opend1's changes between two bookmarks, over HTTP. */
class DiffApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    db =
        databases()
            + "/"
            + client.post(databases(), "{\"name\":\"d\"}").result().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String bookmark() {
    return client.get(db + "/time_travel/bookmark").result().get("bookmark").asText();
  }

  private void run(String statement) {
    Reply r = client.post(db + "/query", sql(statement));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void rowsInsertedUpdatedAndDeletedAreAnsweredByRowidAndKey() {
    run("CREATE TABLE t(a, b)");
    run("CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
    run("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, x'00ff')");
    run("INSERT INTO w VALUES ('x', 1), ('y', 2)");
    String from = bookmark();
    run("UPDATE t SET b = 'TWO' WHERE a = 2");
    run("INSERT INTO t VALUES (4, 2.5)");
    run("DELETE FROM t WHERE a = 3");
    run("DELETE FROM w WHERE k = 'x'");
    run("UPDATE w SET v = 1 WHERE k = 'y'");
    String to = bookmark();

    Reply r = client.get(db + "/time_travel/diff?from=" + from);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode result = r.result();
    assertThat(result.get("from").asText()).isEqualTo(from);
    assertThat(result.get("to").asText()).isEqualTo(to);
    assertThat(result.get("schema")).isEmpty();
    JsonNode t = result.at("/tables/0");
    assertThat(t.get("name").asText()).isEqualTo("t");
    assertThat(t.get("updated").toString())
        .isEqualTo(
            "[{\"key\":{\"rowid\":2},\"before\":{\"a\":2,\"b\":\"two\"},"
                + "\"after\":{\"a\":2,\"b\":\"TWO\"}}]");
    assertThat(t.get("deleted").toString())
        .isEqualTo("[{\"key\":{\"rowid\":3},\"values\":{\"a\":3,\"b\":[0,255]}}]");
    assertThat(t.get("inserted").toString())
        .isEqualTo("[{\"key\":{\"rowid\":4},\"values\":{\"a\":4,\"b\":2.5}}]");
    JsonNode w = result.at("/tables/1");
    assertThat(w.get("name").asText()).isEqualTo("w");
    assertThat(w.get("deleted").toString())
        .isEqualTo("[{\"key\":{\"k\":\"x\"},\"values\":{\"k\":\"x\",\"v\":1}}]");
    assertThat(w.get("updated").toString())
        .isEqualTo(
            "[{\"key\":{\"k\":\"y\"},\"before\":{\"k\":\"y\",\"v\":2},"
                + "\"after\":{\"k\":\"y\",\"v\":1}}]");
    assertThat(r.json().get("result_info").toString()).isEqualTo("{\"count\":5,\"per_page\":100}");
  }

  @Test
  void theSqlFormatUndoesOneBadWriteAndKeepsTheRest() throws Exception {
    run("CREATE TABLE t(a, b)");
    run("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    String before = bookmark();
    run("UPDATE t SET b = 'oops'");
    String after = bookmark();
    Reply sqlReply =
        client.get(db + "/time_travel/diff?format=sql&from=" + before + "&to=" + after);
    assertThat(sqlReply.status()).as(sqlReply.body()).isEqualTo(200);
    assertThat(sqlReply.contentType()).startsWith("application/sql");
    assertThat(sqlReply.body())
        .contains("UPDATE \"t\" SET \"a\" = 1, \"b\" = 'oops' WHERE rowid = 1;\n")
        .endsWith("-- end of diff\n");
    run("INSERT INTO t VALUES (3, 'later')");
    ImportDriver.run(client, db, "UPDATE t SET b = 'fixed' WHERE a = 1;");
    String now =
        client
            .post(db + "/raw", sql("SELECT b FROM t ORDER BY a"))
            .result()
            .at("/0/results/rows")
            .toString();
    assertThat(now).isEqualTo("[[\"fixed\"],[\"oops\"],[\"later\"]]");
  }

  @Test
  void schemaChangesAreReportedAndAnAlteredTableIsRebuilt() throws Exception {
    run("CREATE TABLE t(a)");
    run("CREATE TABLE gone(x)");
    run("INSERT INTO t VALUES (1)");
    String from = bookmark();
    run("ALTER TABLE t ADD COLUMN b");
    run("DROP TABLE gone");
    run("CREATE INDEX t_a ON t(a)");
    run("CREATE VIEW v AS SELECT a FROM t");
    Reply r = client.get(db + "/time_travel/diff?from=" + from);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> changes = new ArrayList<>();
    r.result()
        .get("schema")
        .forEach(
            c ->
                changes.add(
                    c.get("type").asText()
                        + " "
                        + c.get("name").asText()
                        + " "
                        + c.get("change").asText()));
    assertThat(changes)
        .containsExactlyInAnyOrder(
            "table t altered", "table gone dropped", "index t_a created", "view v created");
    assertThat(r.result().get("tables")).isEmpty();
    String script = client.get(db + "/time_travel/diff?format=sql&from=" + from).body();
    assertThat(script)
        .contains("DROP TABLE IF EXISTS \"gone\";\nDROP TABLE IF EXISTS \"t\";")
        .contains(
            "CREATE TABLE t(a, b);\nINSERT INTO \"t\" (rowid, \"a\", \"b\") VALUES (1, 1, NULL);")
        .contains("CREATE INDEX t_a ON t(a);")
        .contains("CREATE VIEW v AS SELECT a FROM t;");
  }

  /**
   * Restores the database to {@code from}, imports the diff's script from {@code from} to {@code
   * to}, and checks that the database then reads {@code query} as it did at {@code to}. Answers the
   * script.
   */
  private String applyScript(String from, String to, String query) throws Exception {
    String wanted = rowsAt(to, query);
    Reply script = client.get(db + "/time_travel/diff?format=sql&from=" + from + "&to=" + to);
    assertThat(script.status()).as(script.body()).isEqualTo(200);
    Reply restored = client.send("POST", db + "/time_travel/restore?bookmark=" + from, null);
    assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    JsonNode imported = ImportDriver.run(client, db, script.body());
    assertThat(imported.get("success").asBoolean()).as(imported + "\n" + script.body()).isTrue();
    assertThat(rowsAt(null, query)).as(script.body()).isEqualTo(wanted);
    return script.body();
  }

  private String rowsAt(String bookmark, String query) {
    Reply r =
        client.post(db + "/raw" + (bookmark == null ? "" : "?bookmark=" + bookmark), sql(query));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().at("/0/results/rows").toString();
  }

  @Test
  void rowsSwappingUniqueValuesAreMovedNotUpdatedInPlace() throws Exception {
    run("CREATE TABLE u(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, v)");
    run("INSERT INTO u VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4)");
    String from = bookmark();
    // 1 and 2 swap codes; 3 takes the code of 4, which goes.
    run(
        "UPDATE u SET code = 'tmp' WHERE id = 1; UPDATE u SET code = 'a' WHERE id = 2;"
            + " UPDATE u SET code = 'b' WHERE id = 1; DELETE FROM u WHERE id = 4;"
            + " UPDATE u SET code = 'd' WHERE id = 3");
    String script = applyScript(from, bookmark(), "SELECT * FROM u ORDER BY id");
    assertThat(script)
        .contains(
            "DELETE FROM \"u\" WHERE rowid = 1;\nDELETE FROM \"u\" WHERE rowid = 2;\n"
                + "DELETE FROM \"u\" WHERE rowid = 3;\nDELETE FROM \"u\" WHERE rowid = 4;\n")
        .contains("INSERT INTO \"u\" (rowid, \"id\", \"code\", \"v\") VALUES (1, 1, 'b', 1);")
        .doesNotContain("UPDATE");
  }

  @Test
  void foreignKeyActionsDoNotUndoTheScriptsOwnRows() throws Exception {
    run("CREATE TABLE p(id INTEGER PRIMARY KEY, code INTEGER UNIQUE)");
    run(
        "CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p(id) ON DELETE CASCADE,"
            + " pcode REFERENCES p(code) ON UPDATE CASCADE ON DELETE SET NULL)");
    run("INSERT INTO p VALUES (1, 10), (2, 20), (3, 30)");
    run("INSERT INTO c VALUES (1, 1, 10), (2, 1, 10), (3, 2, 20), (4, 3, 30)");
    String from = bookmark();
    // Child 1 moves from parent 1 to 2 before parent 1 goes (its cascade takes child 2); parent
    // 3's code changes (child 4 follows); parent 2 goes too, child 3 going with it, and a new
    // parent 4 with a new child that references it before it exists in the script.
    run("UPDATE c SET pid = 3, pcode = NULL WHERE id = 1");
    run("DELETE FROM p WHERE id IN (1, 2)");
    run("UPDATE p SET code = 31 WHERE id = 3");
    run(
        "PRAGMA defer_foreign_keys = ON; INSERT INTO c VALUES (5, 4, 40);"
            + " INSERT INTO p VALUES (4, 40)");
    String script =
        applyScript(
            from,
            bookmark(),
            "SELECT 'p', id, code FROM p UNION ALL SELECT 'c', id, pid || '/' || pcode FROM c"
                + " ORDER BY 1, 2");
    assertThat(script)
        .startsWith("-- opend1 time_travel/diff")
        .contains("PRAGMA defer_foreign_keys = ON;");
    assertThat(script.indexOf("UPDATE \"c\"")).isLessThan(script.indexOf("DELETE FROM \"p\""));
    assertThat(rowsAt(null, "SELECT id FROM c ORDER BY id")).isEqualTo("[[1],[4],[5]]");
  }

  @Test
  void triggersDoNotFireOnTheScriptsWrites() throws Exception {
    run("CREATE TABLE t(a)");
    run("CREATE TABLE audit(what)");
    run(
        "CREATE TRIGGER t_in AFTER INSERT ON t BEGIN INSERT INTO audit VALUES ('in ' || NEW.a); END");
    run(
        "CREATE TRIGGER t_out AFTER DELETE ON t BEGIN INSERT INTO audit VALUES ('out ' || OLD.a);"
            + " END");
    run("INSERT INTO t VALUES (1), (2)");
    String from = bookmark();
    run("DELETE FROM t WHERE a = 1");
    run("INSERT INTO t VALUES (3)");
    String script =
        applyScript(
            from,
            bookmark(),
            "SELECT 't', a FROM t UNION ALL SELECT 'audit', what FROM audit ORDER BY 1, 2");
    assertThat(rowsAt(null, "SELECT what FROM audit ORDER BY rowid"))
        .as("the audit rows are the newer state's, each once")
        .isEqualTo("[[\"in 1\"],[\"in 2\"],[\"out 1\"],[\"in 3\"]]");
    assertThat(script.indexOf("DROP TRIGGER IF EXISTS \"t_in\""))
        .isLessThan(script.indexOf("DELETE FROM \"t\""));
    assertThat(rowsAt(null, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"))
        .isEqualTo("[[2]]");
  }

  @Test
  void pagesFollowTheCursorAcrossTablesUntilEveryChangeIsSeen() {
    run("CREATE TABLE a(x)");
    run("CREATE TABLE b(x)");
    String from = bookmark();
    run(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) INSERT INTO a SELECT i FROM n");
    run(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12) INSERT INTO b SELECT i FROM n");
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply r =
          client.get(
              db
                  + "/time_travel/diff?per_page=10&from="
                  + from
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      pages++;
      JsonNode info = r.json().get("result_info");
      assertThat(info.get("per_page").asInt()).isEqualTo(10);
      int count = 0;
      for (JsonNode t : r.result().get("tables")) {
        for (JsonNode row : t.get("inserted")) {
          seen.add(t.get("name").asText() + row.at("/values/x").asInt());
          count++;
        }
      }
      assertThat(info.get("count").asInt()).isEqualTo(count);
      cursor = info.has("cursor") ? info.get("cursor").asText() : null;
    } while (cursor != null && pages < 10);
    assertThat(seen).hasSize(37).doesNotHaveDuplicates();
    assertThat(seen.getFirst()).isEqualTo("a1");
    assertThat(seen.getLast()).isEqualTo("b12");
  }

  @Test
  void badRequestsAreRefusedInD1sEnvelope() {
    run("CREATE TABLE t(a)");
    String older = bookmark();
    run("INSERT INTO t VALUES (1)");
    String newer = bookmark();
    String base = db + "/time_travel/diff";
    Reply backwards = client.get(base + "?from=" + newer + "&to=" + older);
    assertThat(backwards.status()).isEqualTo(400);
    assertThat(backwards.errorMessage()).contains("is after to");
    assertThat(client.get(base).status()).isEqualTo(400);
    assertThat(client.get(base + "?from=" + older + "&per_page=0").status()).isEqualTo(400);
    assertThat(client.get(base + "?from=" + older + "&per_page=1001").status()).isEqualTo(400);
    assertThat(client.get(base + "?from=" + older + "&cursor=nonsense").status()).isEqualTo(400);
    assertThat(client.get(base + "?from=" + older + "&format=xml").status()).isEqualTo(400);
    Reply restoreAnswer = client.send("POST", db + "/time_travel/restore?bookmark=zzz", null);
    Reply diffAnswer = client.get(base + "?from=zzz");
    assertThat(diffAnswer.status()).isEqualTo(restoreAnswer.status());
    assertThat(diffAnswer.errorCode()).isEqualTo(restoreAnswer.errorCode());
    assertThat(diffAnswer.errorMessage()).isEqualTo(restoreAnswer.errorMessage());
    String theirs =
        base.replace(TestServer.ACCOUNT.value(), server.otherAccount().value()) + "?from=" + older;
    Reply foreign = server.otherAccountClient().get(theirs);
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
    assertThat(foreign.errorCode()).isEqualTo(7404);
  }
}
