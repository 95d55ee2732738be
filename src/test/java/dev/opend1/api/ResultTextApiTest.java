package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text values reach the JSON as the bytes SQLite holds, not decoded and encoded again; the answer
 * must be byte for byte what Jackson writes for the decoded strings, as it was: bytes that are not
 * UTF-8 (stored with {@code CAST(X'..' AS TEXT)}) read as U+FFFD, escapes, characters outside the
 * BMP, NUL, empty text and BLOBs, in a held answer and in a streamed one (past the first buffer).
 */
class ResultTextApiTest {

  @TempDir Path dir;
  TestServer server;
  D1Client client;
  String db;

  /** Each stored text's bytes, by id. */
  final Map<Long, byte[]> texts = new LinkedHashMap<>();

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    client = server.client();
    String uuid = client.post(databases(), "{\"name\":\"t\"}").result().get("uuid").asText();
    db = databases() + "/" + uuid;
    ok("query", sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v)"));
    List<String> hex =
        List.of(
            "61ff62", // a byte that starts nothing
            "c0af", // an overlong '/'
            "eda080", // an encoded surrogate
            "f4908080", // past U+10FFFF
            "41e282", // cut short
            "2241005c0a7f1f09", // quote, NUL, backslash, newline, DEL, controls
            "f09f9880206361666520c3a9", // an emoji, then 'cafe é'
            "", // empty
            hex("x".repeat(17) + "\"" + "y".repeat(30)),
            hex("plain ascii, long enough to be read eight bytes at a time"),
            hex("\u2028\u2029 \u20ac \ud83d\ude00\ud83d\ude00"));
    long id = 1;
    for (String h : hex) {
      ok("query", sql("INSERT INTO t VALUES (?, CAST(X'" + h + "' AS TEXT))", id));
      texts.put(id++, HexFormat.of().parseHex(h));
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  private Reply ok(String route, String body) {
    Reply r = client.post(db + "/" + route, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  /** What Jackson's UTF-8 generator writes for {@code value}, as the answers are written. */
  private static String json(Object value) throws Exception {
    return new String(Json.MAPPER.writeValueAsBytes(value), StandardCharsets.UTF_8);
  }

  /** The rows as the old path wrote them: each text decoded by Java, written by Jackson. */
  private List<Map<String, Object>> expectedRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    texts.forEach(
        (id, b) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", id);
          row.put("v", new String(b, StandardCharsets.UTF_8));
          rows.add(row);
        });
    return rows;
  }

  @Test
  void textIsWrittenAsItsDecodedStringByQueryAndRaw() throws Exception {
    List<Map<String, Object>> rows = expectedRows();
    Reply q = ok("query", sql("SELECT id, v FROM t ORDER BY id"));
    assertThat(q.body()).contains("\"results\":" + json(rows) + ",");

    List<List<Object>> raw = rows.stream().map(r -> List.copyOf(r.values())).toList();
    Reply r = ok("raw", sql("SELECT id, v FROM t ORDER BY id"));
    assertThat(r.body()).contains("\"rows\":" + json(raw) + "}");
    assertThat(r.result().at("/0/results/rows/0/1").asText()).isEqualTo("a\ufffdb");
  }

  @Test
  void aStreamedAnswerWritesTheSameText() throws Exception {
    // Past QueryOutput's first buffer: the answer streams through the result pipe.
    ok(
        "query",
        sql(
            "INSERT INTO t WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k"
                + " WHERE n < 299) SELECT 100 + n, (SELECT v FROM t WHERE id = 1 + n % 11)"
                + " || printf('%.2000c', 'z') FROM k"));
    List<Map<String, Object>> rows = expectedRows();
    for (int k = 0; k < 300; k++) {
      byte[] b = texts.get(1L + k % 11);
      byte[] z = "z".repeat(2000).getBytes(StandardCharsets.US_ASCII);
      byte[] v = new byte[b.length + z.length];
      System.arraycopy(b, 0, v, 0, b.length);
      System.arraycopy(z, 0, v, b.length, z.length);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", 100L + k);
      row.put("v", new String(v, StandardCharsets.UTF_8));
      rows.add(row);
    }
    Reply q = ok("query", sql("SELECT id, v FROM t ORDER BY id"));
    assertThat(q.body().length()).isGreaterThan(QueryOutput.FIRST_BUFFER_BYTES);
    assertThat(q.body()).contains("\"results\":" + json(rows) + ",");
  }

  @Test
  void numbersNullsAndBlobsBesideText() {
    Reply r =
        ok(
            "raw",
            sql(
                "SELECT 9007199254740993, -1, 0.5, 1e21, 2.0, NULL, X'', X'00ff', '', 'a\"b',"
                    + " zeroblob(2)"));
    assertThat(r.body())
        .contains(
            "\"rows\":[[9007199254740993,-1,0.5,1e+21,2,null,[],[0,255],\"\",\"a\\\"b\",[0,0]]]");
  }
}
