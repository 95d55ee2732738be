package dev.opend1.sql;

import static dev.opend1.sql.SplitPropertyTest.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** A text read piece by piece splits exactly as the whole text does. */
class StatementStreamTest {

  @Test
  void realClientFilesStreamAsTheySplit() throws IOException {
    for (SqlFixtures.Case c : SqlFixtures.splitCases()) {
      for (int chunk : new int[] {1, 2, 3, 7, 64, 1 << 16}) {
        assertThat(stream(c.input(), chunk))
            .as(c.name() + " in chunks of " + chunk)
            .isEqualTo(StatementSplitter.split(c.input()));
      }
    }
  }

  @Test
  void aReaderThatGivesOneCharacterAtATimeIsReadWhole() throws IOException {
    String sql = "SELECT 'a;b'; CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END; SELECT 2";
    Reader trickle =
        new StringReader(sql) {
          @Override
          public int read(char[] buf, int off, int len) throws IOException {
            return super.read(buf, off, Math.min(len, 1));
          }
        };
    StatementStream stream = new StatementStream(trickle, 1000);
    assertThat(stream.next().statement().text()).isEqualTo("SELECT 'a;b'");
    assertThat(stream.next().statement().kind()).isEqualTo(StatementKind.DDL);
    assertThat(stream.next().statement().text()).isEqualTo("SELECT 2");
    assertThat(stream.next()).isNull();
    assertThat(stream.next()).isNull();
    assertThat(stream.count()).isEqualTo(3);
  }

  @Test
  void aTokenLongerThanManyChunksIsReadWhole() throws IOException {
    String blob = "x'" + "3b".repeat(100_000) + "'";
    String sql = "INSERT INTO t VALUES (" + blob + ");\nSELECT 1;";
    assertThat(stream(sql, 16))
        .extracting(SqlStatement::text)
        .containsExactly("INSERT INTO t VALUES (" + blob + ")", "SELECT 1");
  }

  @Test
  void manySmallStatementsStreamInOrder() throws IOException {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      sql.append("INSERT INTO t VALUES (").append(i).append(", 'v;").append(i).append("');\n");
    }
    var statements = stream(sql.toString(), 100);
    assertThat(statements).hasSize(10_000);
    assertThat(statements.get(9_999).text()).isEqualTo("INSERT INTO t VALUES (9999, 'v;9999')");
  }

  @Test
  void aStatementPastTheLimitIsRefusedWithItsNumber() throws IOException {
    String sql = "SELECT 1; SELECT '" + "x".repeat(200) + "'; SELECT 3";
    StatementStream stream = new StatementStream(new StringReader(sql), 100, 8);
    assertThat(stream.next().statement().text()).isEqualTo("SELECT 1");
    assertThatThrownBy(stream::next)
        .isInstanceOf(StatementStream.TooLong.class)
        .hasMessage("statement 2 is longer than 100 characters");
  }

  @Test
  void aStatementJustWithinTheLimitIsAllowed() throws IOException {
    String sql = "SELECT '" + "x".repeat(90) + "'";
    StatementStream stream = new StatementStream(new StringReader(sql + ";"), sql.length(), 8);
    assertThat(stream.next().statement().text()).isEqualTo(sql);
    assertThat(stream.next()).isNull();
  }

  @Test
  void anEmptyOrCommentOnlyTextHasNoStatements() throws IOException {
    assertThat(stream("", 4)).isEmpty();
    assertThat(stream(" ;; -- x;\n/* open; ", 4)).isEmpty();
  }
}
