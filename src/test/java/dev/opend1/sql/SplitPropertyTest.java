package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random statements built from tricky fragments and joined with {@code ;} (and whitespace and
 * comments) split back into exactly those statements, by {@link StatementSplitter} and by {@link
 * StatementStream} alike, whatever the chunks the stream reads in; {@link
 * StatementSplitter#measure} counts them and finds the longest.
 */
class SplitPropertyTest {

  /** Pieces of a statement: none holds a {@code ;} that ends it, none starts with a comment. */
  private static final List<String> FRAGMENTS =
      List.of(
          "'a;b'",
          "'it''s; --not /*a comment*/'",
          "''''",
          "\"x;\"",
          "\"a\"\"b;\"",
          "`q;`",
          "`x``;`",
          "[t;u]",
          "[/*]",
          "x'00ff3b'",
          "'END;'",
          "\"END\"",
          "begin_date",
          "end_at",
          "CASE WHEN a THEN 'x;' ELSE CASE b WHEN 1 THEN 2 END END",
          "(SELECT ';' FROM t WHERE c = '--')",
          "1.5e3",
          "0x1F",
          "?1",
          ":end",
          "@p",
          "$v",
          "4/2-1",
          "café",
          "'😀;☃'",
          "'line\r\nbreak;'");

  /** What may stand between two fragments inside a statement. */
  private static final List<String> INNER =
      List.of(" ", "\n", "\r\n", "\t", " /* ; ' \" */ ", " -- c; 'x\n", "/**/", ",", " + ");

  /** What may come between statements, around the {@code ;}. */
  private static final List<String> BETWEEN =
      List.of(
          ";",
          "; ",
          ";\n",
          ";\r\n",
          ";;",
          "; ;\n",
          ";\n-- note; here\n",
          ";/* c; */",
          " ;\t",
          " -- tail; comment\n;",
          "\n/* x */ ;\n\n");

  @Test
  void randomJoinsOfTrickyStatementsSplitBackIntoThem() throws IOException {
    Random random = new Random(20250101);
    for (int round = 0; round < 2000; round++) {
      List<String> statements = new ArrayList<>();
      StringBuilder sql = new StringBuilder(random.nextBoolean() ? "" : "-- leading; note\n");
      for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
        String s = random.nextInt(4) == 0 ? trigger(random) : statement(random, "SELECT");
        statements.add(s);
        sql.append(s);
        if (i < n - 1 || random.nextBoolean()) {
          sql.append(pick(random, BETWEEN));
        }
      }
      String text = sql.toString();
      List<SqlStatement> split = StatementSplitter.split(text);
      assertThat(split)
          .as(text)
          .extracting(SqlStatement::text)
          .containsExactlyElementsOf(statements);
      assertThat(stream(text, 1 + random.nextInt(16))).as(text).isEqualTo(split);
      assertMeasureAgrees(text, split);
    }
  }

  /**
   * {@link StatementSplitter#measure} counts what {@code split} returns, and finds a statement too
   * long exactly when one is longer than the limit.
   */
  private static void assertMeasureAgrees(String text, List<SqlStatement> split) {
    int n = split.size();
    int longest = split.stream().mapToInt(s -> s.text().length()).max().orElse(0);
    assertThat(StatementSplitter.measure(text, n, longest))
        .as(text)
        .isEqualTo(new StatementSplitter.Measure(n, false));
    if (n > 0) {
      assertThat(StatementSplitter.measure(text, n - 1, longest).statements()).isEqualTo(n);
      assertThat(StatementSplitter.measure(text, n, longest - 1).tooLong()).as(text).isTrue();
    }
  }

  /** A statement from a verb and random fragments. */
  private static String statement(Random random, String verb) {
    StringBuilder s = new StringBuilder(verb);
    for (int i = 0, n = random.nextInt(5); i < n; i++) {
      s.append(pick(random, INNER)).append(pick(random, FRAGMENTS));
    }
    return s.toString();
  }

  /** A trigger whose WHEN clause and body are made of random fragments. */
  private static String trigger(Random random) {
    StringBuilder s =
        new StringBuilder(random.nextBoolean() ? "CREATE TRIGGER" : "create temp trigger");
    s.append(" tr AFTER INSERT ON t");
    if (random.nextBoolean()) {
      s.append(" WHEN ").append(statement(random, "new.a ="));
    }
    s.append(random.nextBoolean() ? "\nBEGIN\n" : "\r\nbegin ");
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      String verb = pick(random, List.of("SELECT", "UPDATE t SET end =", "INSERT INTO t VALUES"));
      s.append("  ").append(statement(random, verb)).append(random.nextBoolean() ? ";\n" : "; ");
    }
    return s.append(random.nextBoolean() ? "END" : "end").toString();
  }

  static List<SqlStatement> stream(String sql, int chunk) throws IOException {
    StatementStream stream = new StatementStream(new StringReader(sql), Integer.MAX_VALUE, chunk);
    List<SqlStatement> out = new ArrayList<>();
    for (DumpStatement s; (s = stream.next()) != null; ) {
      out.add(s.statement());
    }
    assertThat(stream.count()).isEqualTo(out.size());
    return out;
  }

  private static String pick(Random random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }
}
