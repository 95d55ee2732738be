package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.SqlLimits;
import dev.opend1.sql.StatementStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import holds each statement to the same length limit as {@code /query} (D1's 100,000 bytes),
 * whether the statement runs alone or joined in a run with others ({@link ImportStatements}): a
 * statement of exactly the limit runs, one a byte longer is refused with its number.
 */
class ImportStatementLengthTest {

  private static final int LIMIT = SqlLimits.d1().maxStatementBytes();

  @TempDir Path dir;

  @Test
  void statementsOfExactlyTheLimitRunInARun() throws Exception {
    try (SqlConnection c = SqlConnection.open(dir.resolve("db.sqlite"), false, SqlLimits.d1())) {
      c.exec("CREATE TABLE t(v TEXT)");
      String dump =
          "INSERT INTO t VALUES ('short');\n"
              + insertOfLength(LIMIT)
              + ";\n"
              + insertOfLength(LIMIT)
              + ";\nINSERT INTO t VALUES ('last');\n";

      c.exec("BEGIN IMMEDIATE");
      run(c, dump);
      c.exec("COMMIT");

      try (Statement st = c.jdbc().createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*), sum(length(v)) FROM t")) {
        assertThat(rs.getLong(1)).isEqualTo(4);
        assertThat(rs.getLong(2)).isEqualTo(5 + 2L * (LIMIT - OVERHEAD) + 4);
      }
    }
  }

  @Test
  void aStatementOneByteOverTheLimitIsRefusedWithItsNumber() throws Exception {
    try (SqlConnection c = SqlConnection.open(dir.resolve("db.sqlite"), false, SqlLimits.d1())) {
      c.exec("CREATE TABLE t(v TEXT)");
      // The first long statement has the second's shape, so only the second's run can catch it.
      String dump =
          insertOfLength(LIMIT)
              + ";\n"
              + insertOfLength(LIMIT + 1)
              + ";\nINSERT INTO t VALUES ('after');\n";

      c.exec("BEGIN IMMEDIATE");
      assertThatThrownBy(() -> run(c, dump))
          .isInstanceOfSatisfying(StatementFailed.class, e -> assertThat(e.number()).isEqualTo(2))
          .hasMessageContaining("SQLITE_TOOBIG");
      c.exec("ROLLBACK");
    }
  }

  private static final int OVERHEAD = "INSERT INTO t VALUES ('')".length();

  /** An INSERT of one text value whose SQL is {@code bytes} long (all ASCII). */
  private static String insertOfLength(int bytes) {
    return "INSERT INTO t VALUES ('" + "x".repeat(bytes - OVERHEAD) + "')";
  }

  private static void run(SqlConnection c, String dump) throws Exception {
    ImportStatements statements = new ImportStatements(c);
    StatementStream stream = new StatementStream(new StringReader(dump), 1_000_000);
    long n = 0;
    for (var s = stream.next(); s != null; s = stream.next()) {
      statements.run(s, ++n);
    }
    statements.finish();
  }
}
