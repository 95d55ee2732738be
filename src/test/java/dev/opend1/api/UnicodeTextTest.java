package dev.opend1.api;

import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lone UTF-16 surrogate in a JSON string ({@code "\\ud800"}) is no character, and SQLite's UTF-8
 * would store it as {@code ?}: every place a request's text reaches SQLite or the catalog refuses
 * it with a 400 naming the property, and nothing is stored. The JSON bodies here are written by
 * hand, because a JSON library would not write a lone surrogate.
 */
class UnicodeTextTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String uuid;
  String query;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    uuid = client.post(databases(), "{\"name\":\"u\"}").result().get("uuid").asText();
    query = databases() + "/" + uuid + "/query";
    assertThat(client.post(query, "{\"sql\":\"CREATE TABLE t(v)\"}").status()).isEqualTo(200);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String refused(String path, String body) {
    Reply r = client.post(path, body);
    assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(7400);
    assertThat(r.json().get("success").asBoolean()).isFalse();
    return r.errorMessage();
  }

  private long rowsInT() {
    Reply r = client.post(query, "{\"sql\":\"SELECT count(*) AS n FROM t\"}");
    return r.result().at("/0/results/0/n").asLong();
  }

  @Test
  void aLoneSurrogateInSqlIsRefusedNotStoredAsAQuestionMark() {
    assertThat(refused(query, "{\"sql\":\"INSERT INTO t VALUES ('a\\ud800b')\"}"))
        .isEqualTo(
            "Invalid property: sql => Invalid text: a lone UTF-16 surrogate (\\ud800) at"
                + " character 24 is not a character; send valid Unicode (a surrogate only as half"
                + " of a pair)");
    assertThat(refused(query, "{\"sql\":\"INSERT INTO t VALUES ('\\udc00\\ud800')\"}"))
        .as("a low surrogate before a high one is no pair")
        .startsWith("Invalid property: sql => Invalid text: a lone UTF-16 surrogate (\\udc00)");
    assertThat(refused(query, "{\"sql\":\"INSERT INTO t VALUES ('x'); SELECT '\\udbff'\"}"))
        .startsWith("Invalid property: sql => Invalid text");
    assertThat(rowsInT()).isZero();
  }

  @Test
  void aLoneSurrogateInAParameterIsRefusedWhereverItIs() {
    assertThat(refused(query, "{\"sql\":\"INSERT INTO t VALUES (?)\",\"params\":[\"end\\ud800\"]}"))
        .startsWith(
            "Invalid property: params[0] => Invalid text: a lone UTF-16 surrogate (\\ud800)");
    assertThat(
            refused(
                query,
                "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (?)\",\"params\":[\"ok\"]},"
                    + "{\"sql\":\"INSERT INTO t VALUES (?, ?)\",\"params\":[1,\"\\udfff\"]}]}"))
        .startsWith("Invalid property: batch[1].params[1] => Invalid text");
    assertThat(refused(query, "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES ('\\ud800')\"}]}"))
        .startsWith("Invalid property: batch[0].sql => Invalid text");
    assertThat(rowsInT()).as("no item of a refused batch ran").isZero();
  }

  @Test
  void surrogatePairsAndOtherTextRoundTripUnchanged() {
    Reply r =
        client.post(
            query,
            "{\"sql\":\"INSERT INTO t VALUES (?), ('\\ud83d\\ude00') RETURNING hex(v) AS h\","
                + "\"params\":[\"\\ud83d\\ude00 caf\\u00e9\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.result().at("/0/results/0/h").asText()).isEqualTo("F09F988020636166C3A9");
    assertThat(r.result().at("/0/results/1/h").asText()).isEqualTo("F09F9880");
  }

  @Test
  void surrogatesWrittenAsUtf8BytesAreRefusedToo() {
    // CESU-style UTF-8 for U+D800 (ED A0 80) is not valid UTF-8: Jackson refuses it itself.
    byte[] prefix = "{\"sql\":\"SELECT '".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "'\"}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + 3 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xED;
    body[prefix.length + 1] = (byte) 0xA0;
    body[prefix.length + 2] = (byte) 0x80;
    System.arraycopy(suffix, 0, body, prefix.length + 3, suffix.length);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(client.uri(query))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    client.headers().forEach(b::header);
    Reply r = client.send(b.build());
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(7400);
    assertThat(r.errorMessage())
        .startsWith("Malformed JSON in request body: Invalid UTF-8: Illegal surrogate character");
  }

  @Test
  void aLoneSurrogateInADatabaseNameIsRefusedAsInvalidText() {
    assertThat(refused(databases(), "{\"name\":\"db\\ud800\"}"))
        .startsWith("Invalid property: name => Invalid text: a lone UTF-16 surrogate (\\ud800)");
    assertThat(client.get(databases()).result()).hasSize(1);
  }

  @Test
  void aLoneSurrogateAnywhereElseInAJsonBodyIsRefused() {
    String export = databases() + "/" + uuid + "/export";
    assertThat(
            refused(
                export,
                "{\"output_format\":\"polling\",\"dump_options\":{\"tables\":[\"t\\ud800\"]}}"))
        .startsWith("Invalid property: dump_options.tables[0] => Invalid text");
    // In a property name, Jackson itself refuses a lone surrogate as malformed JSON.
    assertThat(refused(databases(), "{\"name\":\"n\",\"\\udc00\":1}"))
        .startsWith("Malformed JSON in request body: Unexpected low surrogate in field name");
    assertThat(refused(databases(), "{\"name\":\"n\",\"x\\ud800\":1}"))
        .startsWith("Malformed JSON in request body: Broken surrogate pair in field name");
    assertThat(client.get(databases()).result()).hasSize(1);
  }

  @Test
  void loneSurrogatesAreFoundWhereverTheyAre() {
    assertThat(UnicodeText.loneSurrogate("")).isEqualTo(-1);
    assertThat(UnicodeText.loneSurrogate("plain text, caf\u00e9")).isEqualTo(-1);
    assertThat(UnicodeText.loneSurrogate("\ud83d\ude00\ud83d\ude00")).isEqualTo(-1);
    assertThat(UnicodeText.loneSurrogate("\ud800")).isZero();
    assertThat(UnicodeText.loneSurrogate("ab\ud83d"))
        .as("a high surrogate at the end")
        .isEqualTo(2);
    assertThat(UnicodeText.loneSurrogate("a\ude00b")).as("a low one alone").isEqualTo(1);
    assertThat(UnicodeText.loneSurrogate("\ude00\ud83d")).as("the wrong order").isZero();
    assertThat(UnicodeText.loneSurrogate("\ud83d\ud83d\ude00"))
        .as("two highs, then a low: the first is alone")
        .isZero();
  }
}
