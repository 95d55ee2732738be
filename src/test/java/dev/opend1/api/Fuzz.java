package dev.opend1.api;

import dev.opend1.testing.RawHttp;
import dev.opend1.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The generators of {@link HttpFuzzTest}: hostile HTTP requests built from D1's endpoints, with
 * every part (method, path segment, query, headers, body, SQL, parameters) valid, mutated or
 * random. {@code $UUID} and {@code $TOKEN} stand for a real database id and token, filled in when
 * the request is sent.
 */
final class Fuzz {

  private Fuzz() {}

  /**
   * One request.
   *
   * @param lengthDelta added to the true body length in the Content-Length header (a mismatch when
   *     not 0); {@link Integer#MIN_VALUE} leaves the header out
   */
  record Request(String method, String target, List<String> headers, byte[] body, int lengthDelta) {

    byte[] bytes(String uuid, String token) {
      StringBuilder sb = new StringBuilder();
      sb.append(method).append(' ').append(fill(target, uuid, token)).append(" HTTP/1.1\r\n");
      sb.append("Host: 127.0.0.1\r\n");
      for (String h : headers) {
        sb.append(fill(h, uuid, token)).append("\r\n");
      }
      if (body != null && lengthDelta != Integer.MIN_VALUE) {
        sb.append("Content-Length: ").append(Math.max(0, body.length + lengthDelta)).append("\r\n");
      }
      sb.append("Connection: close\r\n\r\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.writeBytes(fill(body, uuid, token));
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      return RawHttp.show(bytes("$UUID", "$TOKEN"));
    }
  }

  private static String fill(String s, String uuid, String token) {
    return s.replace("$UUID", uuid).replace("$TOKEN", token);
  }

  private static byte[] fill(byte[] b, String uuid, String token) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    if (!s.contains("$UUID")) {
      return b;
    }
    return s.replace("$UUID", uuid).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static final String ACCOUNTS = "/client/v4/accounts/";

  /** Method and path template of every route; {A} is an account, {D} a database, {F} a file. */
  private static final List<String[]> ROUTES =
      List.of(
          new String[] {"GET", "/client/v4/accounts/{A}/d1/database"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database"},
          new String[] {"GET", "/client/v4/accounts/{A}/d1/database/{D}"},
          new String[] {"PUT", "/client/v4/accounts/{A}/d1/database/{D}"},
          new String[] {"PATCH", "/client/v4/accounts/{A}/d1/database/{D}"},
          new String[] {"DELETE", "/client/v4/accounts/{A}/d1/database/{D}"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/query"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/query"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/query"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/raw"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/raw"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/export"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/import"},
          new String[] {"GET", "/client/v4/accounts/{A}/d1/database/{D}/time_travel/bookmark"},
          new String[] {"POST", "/client/v4/accounts/{A}/d1/database/{D}/time_travel/restore"},
          new String[] {"PUT", "/client/v4/_transfer/uploads/{F}"},
          new String[] {"GET", "/client/v4/_transfer/exports/{F}"},
          new String[] {"GET", "/client/v4/accounts"},
          new String[] {"GET", "/client/v4/memberships"},
          new String[] {"GET", "/client/v4/user"},
          new String[] {"GET", "/client/v4/user/tokens/verify"},
          new String[] {"POST", "/client/v4/graphql"},
          new String[] {"GET", "/client/v4/{D}"},
          new String[] {"GET", "/{D}"});

  static Arbitrary<Request> requests() {
    return Combinators.combine(
            Arbitraries.of(ROUTES),
            method(),
            account(),
            segment(),
            query(),
            headers(),
            body(),
            lengthDelta())
        .as(
            (route, method, account, db, query, headers, body, delta) -> {
              String target =
                  route[1].replace("{A}", account).replace("{D}", db).replace("{F}", db) + query;
              String m = method.isEmpty() ? route[0] : method;
              return new Request(m, target, headers, body, delta);
            });
  }

  /** Mostly the route's own method ("" here), sometimes another or a made-up one. */
  private static Arbitrary<String> method() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.of("TRACE", "CONNECT", "FOO", "get", "PROPFIND", "M-SEARCH")));
  }

  private static Arbitrary<String> account() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.just(TestServer.ACCOUNT.value())),
        net.jqwik.api.Tuple.of(
            2,
            Arbitraries.of(
                "ffffffffffffffffffffffffffffffff",
                "..",
                "%2e%2e",
                TestServer.ACCOUNT.value().toUpperCase(java.util.Locale.ROOT),
                TestServer.ACCOUNT.value() + "%2F..",
                "",
                "%00")),
        net.jqwik.api.Tuple.of(1, urlText()));
  }

  /** A database id, name or file name: real, plausible, traversal, encoded, long or random. */
  private static Arbitrary<String> segment() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.just("$UUID")),
        net.jqwik.api.Tuple.of(
            4,
            Arbitraries.of(
                "fuzz",
                "after-fuzz",
                "00000000-0000-0000-0000-000000000000",
                "$UUID.sql",
                "..",
                "...",
                "%2e%2e",
                "..%2F..%2F..%2Fetc%2Fpasswd",
                "..%5C..%5Cwindows",
                "a%2Fb",
                "%2F",
                "%00",
                "a%00b",
                "%ZZ",
                "%",
                "%C0%AE%C0%AE",
                "%E6%97%A5%E6%9C%AC",
                "~",
                "$UUID%20",
                "$UUID/..",
                "./$UUID",
                ";jsessionid=1",
                "\u65e5\u672c")),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.strings()
                .withChars('a', 'x', '-', '.')
                .ofMinLength(256)
                .ofMaxLength(20000)),
        net.jqwik.api.Tuple.of(3, urlText()));
  }

  /** Any printable ASCII but space, so the request line stays one line. */
  private static Arbitrary<String> urlText() {
    return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40);
  }

  private static Arbitrary<String> query() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(
            3,
            Combinators.combine(
                    Arbitraries.of(
                        "per_page",
                        "page",
                        "name",
                        "timestamp",
                        "bookmark",
                        "exp",
                        "sig",
                        "X-Amz-Signature",
                        "",
                        "%zz"),
                    Arbitraries.oneOf(
                        Arbitraries.of(
                            "-1",
                            "0",
                            "1",
                            "10000",
                            "99999999999999999999",
                            "1e9",
                            "NaN",
                            "2020-01-01T00:00:00Z",
                            "0000000a-00000000-00000000-00000000",
                            "%00",
                            "..%2F"),
                        urlText()))
                .as((k, v) -> "?" + k + "=" + v)),
        net.jqwik.api.Tuple.of(1, urlText().map(s -> "?" + s)));
  }

  private static Arbitrary<List<String>> headers() {
    Arbitrary<String> auth =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(14, Arbitraries.just("Authorization: Bearer $TOKEN")),
            net.jqwik.api.Tuple.of(
                4,
                Arbitraries.of(
                    "",
                    "Authorization: Bearer",
                    "Authorization: Bearer ",
                    "Authorization: bearer $TOKEN",
                    "Authorization: Bearer  $TOKEN",
                    "Authorization: Bearer $TOKEN extra",
                    "Authorization: Bearer wrong-token",
                    "Authorization: Basic dGVzdDp0ZXN0",
                    "Authorization: $TOKEN",
                    "Authorization: Bearer $TOKEN\u00e9",
                    "Authorization: Bearer \u65e5\u672c",
                    "X-Auth-Email: a@b.c\r\nX-Auth-Key: $TOKEN",
                    "X-Auth-Key: $TOKEN",
                    "Authorization: Bearer $TOKEN\r\nAuthorization: Bearer other")),
            net.jqwik.api.Tuple.of(
                1,
                Arbitraries.strings()
                    .withCharRange(' ', '~')
                    .ofMaxLength(9000)
                    .map(s -> "Authorization: Bearer " + s)));
    Arbitrary<String> contentType =
        Arbitraries.of(
            "Content-Type: application/json",
            "Content-Type: application/json",
            "Content-Type: application/json",
            "",
            "Content-Type: text/plain",
            "Content-Type: application/json; charset=iso-8859-1",
            "Content-Type: application/json; charset=utf-16",
            "Content-Type: multipart/form-data; boundary=x",
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Type: ;;;",
            "Content-Type: \u00ff\u00fe");
    Arbitrary<String> extra =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, Arbitraries.just("")),
            net.jqwik.api.Tuple.of(
                3,
                Arbitraries.of(
                    "Expect: 100-continue",
                    "Transfer-Encoding: chunked",
                    "Content-Encoding: gzip",
                    "Accept: text/html",
                    "Accept-Encoding: gzip",
                    "X-Forwarded-Proto: https",
                    "X-Forwarded-Host: evil.example",
                    "Range: bytes=0-1",
                    "If-None-Match: *",
                    "Content-Length: 5",
                    "Host: other",
                    "Origin: http://evil.example",
                    "Cookie: a=b",
                    ": no-name",
                    "No-Colon",
                    " Folded: x")),
            net.jqwik.api.Tuple.of(
                1,
                Combinators.combine(
                        Arbitraries.strings()
                            .withCharRange('!', '~')
                            .ofMinLength(1)
                            .ofMaxLength(30),
                        Arbitraries.strings().withCharRange(' ', '\u00ff').ofMaxLength(200))
                    .as((k, v) -> k.replace(":", "") + ": " + v)));
    return Combinators.combine(auth, contentType, extra)
        .as(
            (a, c, e) -> {
              List<String> h = new ArrayList<>();
              for (String s : List.of(a, c, e)) {
                if (!s.isEmpty()) {
                  h.add(s);
                }
              }
              return h;
            });
  }

  private static Arbitrary<Integer> lengthDelta() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(20, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-50, -1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 5000)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Integer.MIN_VALUE)));
  }

  // ---- bodies ----

  private static Arbitrary<byte[]> body() {
    Arbitrary<String> json =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, queryBody()),
            net.jqwik.api.Tuple.of(2, batchBody()),
            net.jqwik.api.Tuple.of(2, otherBody()),
            net.jqwik.api.Tuple.of(2, jsonValue(4)),
            net.jqwik.api.Tuple.of(1, deepNesting()));
    Arbitrary<byte[]> utf8 = json.map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.just((byte[]) null)),
        net.jqwik.api.Tuple.of(14, utf8),
        net.jqwik.api.Tuple.of(
            2, Combinators.combine(utf8, Arbitraries.doubles().between(0, 1)).as(Fuzz::truncate)),
        net.jqwik.api.Tuple.of(
            2,
            Combinators.combine(
                    utf8, Arbitraries.integers().between(0, 1 << 20), Arbitraries.bytes())
                .as(Fuzz::mutateByte)),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)));
  }

  private static byte[] truncate(byte[] b, double at) {
    return java.util.Arrays.copyOf(b, (int) (b.length * at));
  }

  /** One byte replaced by an arbitrary one (often invalid UTF-8 or a broken token). */
  private static byte[] mutateByte(byte[] b, int at, byte value) {
    if (b.length == 0) {
      return new byte[] {value};
    }
    byte[] c = b.clone();
    c[at % c.length] = value;
    return c;
  }

  private static Arbitrary<String> queryBody() {
    return Combinators.combine(sqlField(), params())
        .as(
            (sql, params) ->
                "{\"sql\":" + sql + (params.isEmpty() ? "" : ",\"params\":" + params) + "}");
  }

  private static Arbitrary<String> batchBody() {
    return Combinators.combine(sqlField(), params())
        .as(
            (sql, params) ->
                "{\"sql\":" + sql + ",\"params\":" + (params.isEmpty() ? "[]" : params) + "}")
        .list()
        .ofMaxSize(5)
        .map(items -> "{\"batch\":[" + String.join(",", items) + "]}");
  }

  private static Arbitrary<String> otherBody() {
    return Combinators.combine(
            Arbitraries.of(
                "name",
                "primary_location_hint",
                "jurisdiction",
                "read_replication",
                "output_format",
                "current_bookmark",
                "dump_options",
                "action",
                "etag",
                "filename",
                "bookmark",
                "sql"),
            jsonValue(2),
            Arbitraries.of(
                "",
                ",\"name\":\"n\"",
                ",\"output_format\":\"polling\"",
                ",\"action\":\"init\"",
                ",\"action\":\"ingest\"",
                ",\"action\":\"poll\"",
                ",\"read_replication\":{\"mode\":\"auto\"}"))
        .as((k, v, more) -> "{\"" + k + "\":" + v + more + "}");
  }

  private static Arbitrary<String> deepNesting() {
    return Combinators.combine(
            Arbitraries.integers().between(100, 200_000), Arbitraries.of("[", "{\"a\":"))
        .as(
            (n, open) -> {
              String close = open.equals("[") ? "]" : "}";
              return "{\"sql\":\"SELECT 1\",\"params\":"
                  + open.repeat(n)
                  + "1"
                  + close.repeat(n)
                  + "}";
            });
  }

  private static Arbitrary<String> params() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(
            6, jsonValue(2).list().ofMaxSize(8).map(l -> "[" + String.join(",", l) + "]")),
        net.jqwik.api.Tuple.of(1, jsonValue(3)));
  }

  /** Any JSON value, nested up to {@code depth}: every type, edge numbers, odd strings. */
  private static Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                10,
                Arbitraries.of(
                    "null",
                    "true",
                    "false",
                    "0",
                    "-0",
                    "1",
                    "-1",
                    "9007199254740993",
                    "9223372036854775807",
                    "9223372036854775808",
                    "-9223372036854775809",
                    "123456789012345678901234567890123456789",
                    "1e308",
                    "1e309",
                    "-1e999999",
                    "4.9e-324",
                    "0.1",
                    "1E+2",
                    "\"\"",
                    "\"x\"",
                    "\"\\u0000\"",
                    "\"\\ud800\"",
                    "\"\\udc00\\ud800\"",
                    "\"\u65e5\u672c\u8a9e \ud83d\ude00\"",
                    "\"'; DROP TABLE t; --\"",
                    "NaN",
                    "Infinity",
                    "undefined",
                    "'single'")),
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().map(String::valueOf)),
            net.jqwik.api.Tuple.of(4, Arbitraries.strings().ofMaxLength(30).map(Fuzz::quote)),
            net.jqwik.api.Tuple.of(
                1,
                Arbitraries.integers()
                    .between(1000, 400_000)
                    .map(n -> "\"" + "x".repeat(n) + "\"")));
    if (depth <= 0) {
      return scalar;
    }
    Arbitrary<String> array =
        jsonValue(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> object =
        Combinators.combine(
                Arbitraries.strings().alpha().ofMaxLength(8).list().ofMaxSize(3),
                jsonValue(depth - 1).list().ofSize(3))
            .as(
                (keys, values) -> {
                  List<String> fields = new ArrayList<>();
                  for (int i = 0; i < keys.size(); i++) {
                    fields.add(quote(keys.get(i)) + ":" + values.get(i));
                  }
                  return "{" + String.join(",", fields) + "}";
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalar),
        net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(1, object));
  }

  /** A JSON string literal of {@code s}, escaping only what JSON requires. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  // ---- SQL ----

  private static final List<String> SQL_TOKENS =
      List.of(
          "SELECT",
          "INSERT",
          "INTO",
          "t",
          "VALUES",
          "(",
          ")",
          ",",
          ";",
          "?",
          "?1",
          "?999",
          "?0",
          ":a",
          "@a",
          "$a",
          "'",
          "'str'",
          "\"",
          "\"id\"",
          "`",
          "[",
          "]",
          "--",
          "/*",
          "*/",
          "\u0000",
          "1e308",
          "0x",
          "0xffffffffffffffffff",
          "x'00'",
          "x'0'",
          "CREATE",
          "TABLE",
          "TEMP",
          "DROP",
          "WITH",
          "RECURSIVE",
          "UNION",
          "ALL",
          "PRAGMA",
          "table_info",
          "BEGIN",
          "COMMIT",
          "END",
          "CASE",
          "WHEN",
          "THEN",
          "*",
          "FROM",
          "WHERE",
          "a",
          "b",
          "=",
          "||",
          "randomblob(10)",
          "zeroblob(5)",
          "TRIGGER",
          "ON",
          "FOR",
          "EACH",
          "ROW",
          "AFTER",
          "UPDATE",
          "SET",
          "DELETE",
          "sqlite_schema",
          "_cf_KV",
          "pragma_table_list",
          "EXPLAIN",
          "QUERY",
          "PLAN",
          "ATTACH",
          "VACUUM",
          "NULL",
          "NOT",
          "LIKE",
          "GLOB",
          "ESCAPE",
          "\\",
          "json('{')",
          "printf('%s')",
          "\u65e5\u672c",
          "\ud83d\ude00",
          "\n",
          "\t",
          "LIMIT",
          "-1",
          "9223372036854775808",
          "ORDER",
          "BY",
          "GROUP",
          "HAVING",
          "RETURNING",
          "JOIN",
          "VIRTUAL",
          "USING",
          "fts5",
          "REPLACE",
          "OR",
          "IGNORE",
          "SAVEPOINT",
          "RELEASE");

  private static Arbitrary<String> sqlField() {
    Arbitrary<String> tokens =
        Arbitraries.of(SQL_TOKENS).list().ofMaxSize(30).map(l -> String.join(" ", l));
    Arbitrary<String> valid =
        Arbitraries.of(
            "SELECT * FROM t",
            "SELECT * FROM t WHERE a = ?",
            "SELECT ?, ?, ?",
            "INSERT INTO t VALUES (?, ?)",
            "UPDATE t SET b = ? WHERE a = ?",
            "SELECT 1; SELECT 2",
            "PRAGMA table_list",
            "SELECT json_extract(?, '$.a')",
            "",
            ";",
            "-- only a comment",
            "/* unterminated",
            "SELECT 'unterminated",
            "SELECT \"unterminated",
            "SELECT [unterminated",
            "SELECT 1 /*",
            "SELECT '\u0000'",
            "SELECT 1\u0000; DROP TABLE t");
    Arbitrary<String> sql =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, valid),
            net.jqwik.api.Tuple.of(3, tokens),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(60)),
            net.jqwik.api.Tuple.of(
                1,
                Arbitraries.integers()
                    .between(1000, 120_000)
                    .map(n -> "SELECT '" + "y".repeat(n) + "'")));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, sql.map(Fuzz::quote)), net.jqwik.api.Tuple.of(1, jsonValue(1)));
  }
}
