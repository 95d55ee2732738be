package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random dumps (INSERTs of literal rows, most of them plain, some not, between other statements)
 * read by {@link StatementStream}, whose INSERTs after the first of each text up to {@code VALUES}
 * are read without tokens, give exactly the statements {@link StatementSplitter} gives, each with
 * the shape {@link LiteralRows} reads from its text, whatever the chunks the text arrives in.
 */
class DumpStreamPropertyTest {

  private static final List<String> PREFIXES =
      List.of(
          "INSERT INTO \"t\" (\"a\",\"b\") VALUES",
          "insert into t values ",
          "INSERT INTO t VALUES",
          "REPLACE INTO \"x\" VALUES",
          "INSERT /* c; */ INTO [t] VALUES",
          "INSERT OR IGNORE INTO 'dbstat' VALUES",
          "INSERT INTO t SELECT 1 UNION VALUES");

  /** Values: literals in their plain spelling, literals spelled otherwise, and non-literals. */
  private static final List<String> VALUES =
      List.of(
          "1",
          "-2.5e-7",
          "+3",
          ".5",
          "1E+5",
          "0x1F",
          "NULL",
          "null",
          "'x;y'",
          "'it''s'",
          "''",
          "X'00ff'",
          "x''",
          "'line\nbreak; --'",
          "'😀;☃'",
          "'/* not; a comment */'",
          "0x1e-7",
          "1e-x",
          "- 5",
          "abs(1)",
          "'a' || 'b'",
          "-- c;\n1",
          "/* c; */ 2",
          "?",
          "TRUE");

  private static final List<String> SPACE = List.of("", "", "", " ", "\n", "\t ");

  private static final List<String> OTHER =
      List.of(
          "CREATE TABLE t(a, b)",
          "SELECT 'INSERT INTO t VALUES(1)'",
          "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t VALUES(1); END",
          "PRAGMA foreign_keys=OFF",
          "DELETE FROM sqlite_sequence");

  @Test
  void dumpsReadWithoutTokensSplitAndShapeAsWithTokens() throws IOException {
    Random random = new Random(20261129);
    long scanned = 0;
    long inserts = 0;
    for (int round = 0; round < 1500; round++) {
      StringBuilder sql = new StringBuilder();
      String prefix = pick(random, PREFIXES);
      for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
        int what = random.nextInt(10);
        if (what == 0) {
          sql.append(pick(random, OTHER));
        } else {
          if (what == 1) {
            prefix = pick(random, PREFIXES);
          }
          sql.append(insert(random, prefix));
          inserts++;
        }
        sql.append(pick(random, List.of(";\n", ";", " ;\n", ";-- c;\n", ";\r\n\n")));
      }
      if (random.nextInt(4) == 0) {
        sql.append(insert(random, prefix)); // the last one without its ;
      }
      String text = sql.toString();
      List<SqlStatement> split = StatementSplitter.split(text);
      StatementStream stream =
          new StatementStream(
              new StringReader(text),
              Integer.MAX_VALUE,
              1 + random.nextInt(random.nextInt(64) + 1));
      List<SqlStatement> read = new ArrayList<>();
      for (DumpStatement d; (d = stream.next()) != null; ) {
        read.add(d.statement());
        assertThat(d.shape())
            .as(text + "\nshape of " + d.statement().text())
            .isEqualTo(
                d.statement().kind() == StatementKind.WRITE
                    ? LiteralRows.shape(d.statement().text())
                    : null);
      }
      assertThat(read).as(text).isEqualTo(split);
      scanned += stream.scanned();
    }
    // Most INSERTs follow one of the same text up to VALUES, and most of them are plain.
    assertThat(scanned).as("of " + inserts + " INSERTs").isGreaterThan(inserts / 3);
  }

  /** An INSERT of 1 to 3 rows of 1 to 3 values after {@code prefix}, sometimes with a tail. */
  private static String insert(Random random, String prefix) {
    StringBuilder s = new StringBuilder(prefix).append(pick(random, SPACE));
    for (int r = 0, rows = 1 + random.nextInt(3); r < rows; r++) {
      s.append(r == 0 ? "" : "," + pick(random, SPACE)).append('(');
      for (int v = 0, values = 1 + random.nextInt(3); v < values; v++) {
        s.append(v == 0 ? "" : ",").append(pick(random, SPACE));
        // Mostly the plain literals a dump writes, sometimes anything.
        s.append(pick(random, random.nextInt(6) == 0 ? VALUES : VALUES.subList(0, 16)));
        s.append(pick(random, SPACE));
      }
      s.append(')');
    }
    if (random.nextInt(20) == 0) {
      s.append(" ON CONFLICT DO NOTHING");
    }
    return s.append(pick(random, SPACE)).toString();
  }

  private static String pick(Random random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }
}
