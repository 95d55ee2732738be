package dev.opend1.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan of literal rows accepts only what the tokens accept ({@link LiteralRows}), ends the
 * statement where the splitter does, and, on a text cut anywhere, either waits for more or answers
 * as on the whole text.
 */
class LiteralRowsScanTest {

  private static final String PREFIX = "INSERT INTO \"t\" (\"a\",\"b\") VALUES";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(1,'x');",
        "(1,'x;y'),(2,X'00ff');\n",
        "( -2.5e-7 , NULL ) ;",
        "(+1,.5),(1.5E+3,0x1F);",
        "('it''s',''),(x'',null);",
        "('line\nbreak','😀;');",
        "(1e5,-0.0);",
        "(1abc,'x');",
        "\t(\n1\r,\f2\u000b);"
      })
  void plainRowsAreReadAsTheTokensReadThem(String rows) {
    String sql = PREFIX + rows + " SELECT 1";
    LiteralRowsScan scan = new LiteralRowsScan();
    int after = scan.scan(sql, PREFIX.length(), true);
    assertThat(after).as(sql).isPositive();
    SqlStatement statement = StatementSplitter.split(sql).getFirst();
    String text = sql.substring(0, scan.textEnd());
    assertThat(text).isEqualTo(statement.text());
    assertThat(sql.charAt(after - 1)).isEqualTo(';');
    StringBuilder shape = new StringBuilder(PREFIX);
    for (int r = 0; r < scan.rows(); r++) {
      shape.append(' ').append(scan.values(r));
    }
    assertThat(shape.toString()).isEqualTo(LiteralRows.shape(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(abs(1));",
        "(a);",
        "(1+2);",
        "(0x1e-7);",
        "(1e-x);",
        "(-'x');",
        "(- 5);",
        "(--5\n);",
        "(NULLx);",
        "('a'x);",
        "('a' 'b');",
        "((SELECT 1));",
        "(?);",
        "(TRUE);",
        "(1) ON CONFLICT DO NOTHING;",
        "(1) RETURNING *;",
        "(1),;",
        "();",
        "(1)",
        "(1) /* c */;",
        "(/* c */ 1);",
        "(1 -- c\n);",
        "X(1);",
        "(1)(2);",
        "('x"
      })
  void anythingElseIsLeftToTheTokens(String rows) {
    String sql = PREFIX + rows;
    assertThat(new LiteralRowsScan().scan(sql, PREFIX.length(), true))
        .as(sql)
        .isEqualTo(LiteralRowsScan.NOT_PLAIN);
  }

  /** Cut anywhere, the text either asks for more or gets the answer the whole text gets. */
  @Test
  void aTextCutAnywhereWaitsForMoreOrAnswersAsTheWhole() {
    List<String> cases =
        List.of(
            "(1,'x;y'),(2,X'00ff'),(-1.5e-7,NULL),(.5,'it''s');\n",
            "(1e-x);",
            "(0x1e-7);",
            "(NULLx);",
            "(1) RETURNING *;",
            "( 1 , 'a' ) , ( 2 , 'b' ) ;");
    for (String rows : cases) {
      String sql = PREFIX + rows;
      LiteralRowsScan scan = new LiteralRowsScan();
      int whole = scan.scan(sql, PREFIX.length(), true);
      int wholeEnd = whole >= 0 ? scan.textEnd() : -1;
      for (int cut = PREFIX.length(); cut <= sql.length(); cut++) {
        int part = scan.scan(sql.substring(0, cut), PREFIX.length(), false);
        if (part != LiteralRowsScan.NEED_MORE) {
          assertThat(part).as(sql + " cut at " + cut).isEqualTo(whole);
          if (part >= 0) {
            assertThat(scan.textEnd()).isEqualTo(wholeEnd);
          }
        }
      }
    }
  }
}
