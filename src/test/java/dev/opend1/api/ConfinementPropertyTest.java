package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.SqlCompat;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generated escape attempts: a forbidden call or table, spelled with random comments, quoting, case
 * and SQLite's parameter syntax, nested in expressions, and placed where SQLite compiles it in: a
 * plain select, a subquery, a CTE, a view, a trigger, a DEFAULT, a CHECK, a generated column. Each
 * must be refused with the rule's own text (or SQLite's own refusal) and change nothing. Seeded, so
 * a failure names the case that reproduces it.
 */
class ConfinementPropertyTest {

  @TempDir Path dir;

  /** Cases per dialect: enough to cover every payload, context and decoration many times. */
  private static final int CASES = 240;

  /** What a generated statement tries to reach, and the texts a refusal of it may have. */
  private record Payload(String sql, boolean expression, Set<String> d1, Set<String> sqlite) {}

  private static final String NOT_AUTHORIZED = "not authorized: SQLITE_AUTH";
  private static final String CF_KV = "access to _cf_KV.key is prohibited: SQLITE_AUTH";

  private static final List<Payload> PAYLOADS =
      List.of(
          new Payload(
              "{sqlite_version}()",
              true,
              Set.of("not authorized to use function: sqlite_version: SQLITE_AUTH"),
              Set.of()),
          new Payload(
              "{json_pretty}('[1]')",
              true,
              Set.of("not authorized to use function: json_pretty: SQLITE_AUTH"),
              Set.of()),
          new Payload(
              "{fts3_tokenizer}('simple')",
              true,
              Set.of(
                  "no such function: fts3_tokenizer: SQLITE_ERROR",
                  "unsafe use of fts3_tokenizer(): SQLITE_ERROR"),
              Set.of(
                  "not authorized to use function: fts3_tokenizer: SQLITE_AUTH",
                  "unsafe use of fts3_tokenizer(): SQLITE_ERROR")),
          new Payload("(SELECT count(*) FROM {_cf_KV})", false, Set.of(CF_KV), Set.of(CF_KV)),
          new Payload(
              "(SELECT count(*) FROM {pragma_database_list})",
              false,
              Set.of(NOT_AUTHORIZED),
              Set.of(NOT_AUTHORIZED)));

  /** Where the payload is placed; {P} is the payload, {n} a fresh suffix. */
  private static final List<String> CONTEXTS =
      List.of(
          "SELECT {P} AS x",
          "SELECT * FROM (SELECT {P} AS x)",
          "WITH c AS (SELECT {P} AS x) SELECT x FROM c",
          // Never "OR 1": SQLite folds a constant condition away, and the payload with it.
          "SELECT 1 WHERE {P} IS NOT NULL OR random() IS NOT NULL",
          "CREATE VIEW v{n} AS SELECT {P} AS x; SELECT * FROM v{n}",
          "CREATE TABLE t{n}(a); CREATE TRIGGER r{n} AFTER INSERT ON t{n} BEGIN"
              + " UPDATE canary SET a = (SELECT {P}); END; INSERT INTO t{n} VALUES (1)",
          "INSERT INTO canary SELECT {P} WHERE 0; SELECT * FROM canary",
          // Expressions only: SQLite refuses subqueries here by itself.
          "CREATE TABLE d{n}(a, b DEFAULT ({P})); INSERT INTO d{n}(a) VALUES (1)",
          "CREATE TABLE k{n}(a CHECK ({P} IS NOT NULL OR a IS NOT NULL)); INSERT INTO k{n} VALUES (1)",
          "CREATE TABLE g{n}(a, b AS ({P})); INSERT INTO g{n}(a) VALUES (1)");

  /** Contexts from here on take expressions only. */
  private static final int EXPRESSION_ONLY = 7;

  /** Contexts before this one may carry a bound parameter. */
  private static final int PARAMETERS_ALLOWED = 4;

  @ParameterizedTest
  @EnumSource(SqlCompat.class)
  void generatedEscapesAreRefusedBySqlitesOwnViewOfThem(SqlCompat mode) throws Exception {
    try (TestServer server =
        TestServer.start(dir.resolve("data"), Map.of("sql-compat", mode.setting()))) {
      D1Client client = server.client();
      String db =
          databases()
              + "/"
              + client.post(databases(), "{\"name\":\"prop\"}").result().get("uuid").asText();
      String query = db + "/query";
      assertThat(
              client
                  .post(query, sql("CREATE TABLE canary(a); INSERT INTO canary VALUES (1)"))
                  .status())
          .isEqualTo(200);
      Random random = new Random(20261128L + mode.ordinal());
      int refused = 0;
      for (int i = 0; i < CASES; i++) {
        Payload p = PAYLOADS.get(random.nextInt(PAYLOADS.size()));
        Set<String> expected = mode == SqlCompat.D1 ? p.d1() : p.sqlite();
        int context = random.nextInt(p.expression() ? CONTEXTS.size() : EXPRESSION_ONLY);
        boolean parameter = context < PARAMETERS_ALLOWED && random.nextBoolean();
        String statement =
            CONTEXTS
                .get(context)
                .replace(
                    "{P}",
                    decorate(nest(p.sql(), random, context < EXPRESSION_ONLY), random, parameter))
                .replace("{n}", Integer.toString(i));
        Reply r =
            parameter ? client.post(query, sql(statement, 1)) : client.post(query, sql(statement));
        String what = "case " + i + " (" + mode + "): " + statement + " -> " + r.body();
        if (expected.isEmpty()) {
          // Allowed in this dialect: no rule refuses it (SQLite's own grammar still may: no
          // non-deterministic function in a generated column); its trigger may set the canary.
          assertThat(r.errorMessage()).as(what).doesNotContain("SQLITE_AUTH");
          client.post(query, sql("UPDATE canary SET a = 1"));
          continue;
        }
        refused++;
        assertThat(r.status()).as(what).isEqualTo(400);
        // SQLite's own messages name a function as it was written: compare ignoring case.
        java.util.stream.Stream<String> accepted =
            context == CONTEXTS.size() - 1
                // SQLite itself refuses a function it does not know to be deterministic in a
                // generated column, when the table is created.
                ? java.util.stream.Stream.concat(
                    expected.stream(),
                    java.util.stream.Stream.of(
                        "non-deterministic functions prohibited in generated columns: SQLITE_ERROR"))
                : expected.stream();
        assertThat(accepted.map(e -> e.toLowerCase(Locale.ROOT)))
            .as(what)
            .contains(r.errorMessage().toLowerCase(Locale.ROOT));
        Reply canary = client.post(query, sql("SELECT count(*) AS n, max(a) AS a FROM canary"));
        assertThat(canary.result().at("/0/results/0/n").asInt()).as(what).isEqualTo(1);
        assertThat(canary.result().at("/0/results/0/a").asInt()).as(what).isEqualTo(1);
      }
      assertThat(refused).isGreaterThan(CASES / 3);
    }
  }

  /**
   * Wraps the payload in an expression that keeps its value; a subquery only where SQLite allows
   * one ({@code subqueries}).
   */
  private static String nest(String payload, Random random, boolean subqueries) {
    int kind = random.nextInt(5);
    if (kind == 1 && !subqueries) {
      kind = 4;
    }
    return switch (kind) {
      case 0 -> "coalesce(" + payload + ", 1)";
      case 1 -> "(SELECT " + payload + ")";
      case 2 -> "CASE WHEN 1 THEN " + payload + " END";
      case 3 -> "iif(1, " + payload + ", 0)";
      default -> payload;
    };
  }

  /**
   * Spells the payload's marked name ({@code {name}}) with random case and quoting, adds comments,
   * and optionally a parameter in SQLite's TCL form whose parenthesis swallows a quote.
   */
  private static String decorate(String payload, Random random, boolean parameter) {
    int open = payload.indexOf('{');
    int close = payload.indexOf('}');
    String name = payload.substring(open + 1, close);
    boolean function = close + 1 < payload.length() && payload.charAt(close + 1) == '(';
    String spelled =
        switch (random.nextInt(function ? 3 : 6)) {
          case 0 -> name.toUpperCase(Locale.ROOT);
          case 1 -> name;
          case 2 -> "/* " + name + " */ " + name;
          case 3 -> "\"" + name + "\"";
          case 4 -> "[" + name + "]";
          default -> "main.`" + name + "`";
        };
    String p = payload.substring(0, open) + spelled + payload.substring(close + 1);
    if (random.nextBoolean()) {
      p = "-- a comment ;\n" + p;
    }
    if (parameter) {
      p = "(CASE WHEN $a(') IS NULL THEN 0 END) + 0 + " + p;
    }
    return p;
  }
}
