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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every FTS5 variant survives export then import: the copy answers the same MATCH with the same
 * rows and rowids, and FTS5's {@code integrity-check} passes on it; a contentless table, whose text
 * is kept nowhere, is refused with an error naming it instead of coming back empty. Reported by a
 * real client run (wrangler d1 export, then d1 execute --file: MATCH found nothing on an
 * external-content table); variants from https://sqlite.org/fts5.html ("External Content and
 * Contentless Tables", "prefix", "tokenize", "The fts5vocab Virtual Table Module").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FtsExportTest {

  @TempDir static Path dir;
  TestServer server;
  D1Client client;

  @BeforeAll
  void start() {
    server = TestServer.start(dir);
    client = server.client();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  private static final String POSTS =
      """
      CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);
      %s;
      CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN
        INSERT INTO f(rowid, body) VALUES (new.id, new.body);
      END;
      CREATE TRIGGER posts_ad AFTER DELETE ON posts BEGIN
        INSERT INTO f(f, rowid, body) VALUES ('delete', old.id, old.body);
      END;
      INSERT INTO posts VALUES (2, 'alpha beta running'), (5, 'beta gamma'), (9, 'café runs');
      DELETE FROM posts WHERE id = 2;
      INSERT INTO posts VALUES (11, 'beta delta');
      """;

  private static final String OWN =
      """
      %s;
      INSERT INTO f(rowid, body) VALUES (3, 'alpha beta running'), (7, 'beta gamma'), (8, 'café runs');
      DELETE FROM f WHERE rowid = 3;
      INSERT INTO f(rowid, body) VALUES (12, 'beta delta');
      """;

  private static final String MATCH = "SELECT rowid, body FROM f WHERE f MATCH '%s' ORDER BY rowid";

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("regular", OWN.formatted("CREATE VIRTUAL TABLE f USING fts5(body)"), "beta"),
        Arguments.of(
            "regular, prefix and tokenize",
            OWN.formatted(
                "CREATE VIRTUAL TABLE f USING fts5(body, prefix='2 3', tokenize='porter"
                    + " unicode61 remove_diacritics 2')"),
            "cafe OR run*"),
        Arguments.of(
            "external content",
            POSTS.formatted(
                "CREATE VIRTUAL TABLE f USING fts5(body, content='posts', content_rowid='id')"),
            "beta"),
        Arguments.of(
            "external content, bare name, prefix and tokenize",
            POSTS.formatted(
                "CREATE VIRTUAL TABLE f USING fts5(body, content=posts, content_rowid=id,"
                    + " prefix=2, tokenize='porter')"),
            "run* OR delta"),
        Arguments.of(
            "fts5vocab beside a regular table",
            OWN.formatted(
                "CREATE VIRTUAL TABLE f USING fts5(body);"
                    + " CREATE VIRTUAL TABLE v USING fts5vocab(f, row)"),
            "gamma"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void anFtsTableComesBackWithTheSameIndex(String variant, String setup, String match)
      throws Exception {
    String source = newDatabase("src-" + variant.hashCode());
    run(source, setup);
    String dump = TransferApiTest.exportText(client, source);
    String copy = newDatabase("copy-" + variant.hashCode());
    JsonNode done = ImportDriver.run(client, copy, dump);
    assertThat(done.get("status").asText()).as(done + "\n" + dump).isEqualTo("complete");

    String expected = rows(source, MATCH.formatted(match));
    assertThat(expected).as("the source itself finds rows").isNotEqualTo("[]");
    assertThat(rows(copy, MATCH.formatted(match))).as(dump).isEqualTo(expected);
    assertThat(rows(copy, "SELECT count(*) FROM f"))
        .isEqualTo(rows(source, "SELECT count(*) FROM f"));
    run(copy, "INSERT INTO f(f) VALUES ('integrity-check')");
    if (setup.contains("fts5vocab")) {
      String vocab = "SELECT term, doc, cnt FROM v ORDER BY term";
      assertThat(rows(copy, vocab)).isEqualTo(rows(source, vocab));
    }
  }

  static Stream<Arguments> contentless() {
    return Stream.of(
        Arguments.of("CREATE VIRTUAL TABLE f USING fts5(body, content='')"),
        Arguments.of(
            "CREATE VIRTUAL TABLE f USING fts5(body, content=\"\", contentless_delete=1)"));
  }

  @ParameterizedTest
  @MethodSource("contentless")
  void aContentlessTableIsRefusedNotEmptied(String create) throws Exception {
    String db = newDatabase("cl-" + create.length());
    run(db, create + "; INSERT INTO f(rowid, body) VALUES (1, 'alpha')");
    String body = "{\"output_format\":\"polling\"}";
    Reply r = client.post(db + "/export", body);
    while (r.result().get("status").asText().equals("active")) {
      r =
          client.post(
              db + "/export",
              "{\"output_format\":\"polling\",\"current_bookmark\":\""
                  + r.result().get("at_bookmark").asText()
                  + "\"}");
    }
    assertThat(r.result().get("status").asText()).as(r.body()).isEqualTo("error");
    assertThat(r.result().get("error").asText())
        .startsWith("D1 Export error: cannot export the contentless FTS5 table \"f\"");
    // Its schema alone exports.
    assertThat(TransferApiTest.exportText(client, db, "{\"no_data\":true}"))
        .contains("CREATE VIRTUAL TABLE f USING fts5(body, content=");
  }

  private String newDatabase(String name) {
    return databases()
        + "/"
        + client
            .post(databases(), "{\"name\":\"" + name.replace('-', '_') + "\"}")
            .result()
            .get("uuid")
            .asText();
  }

  private void run(String db, String statements) {
    Reply r = client.post(db + "/query", sql(statements));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String rows(String db, String select) {
    Reply r = client.post(db + "/raw", sql(select));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().at("/0/results/rows").toString();
  }
}
