package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.SqlLimits;
import dev.opend1.sql.StatementStream;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import runs with SQLite's update hook off (it counts its rows from {@code total_changes}), and
 * a request's statement after it counts {@code rows_written} through the hook again.
 */
class ImportHookTest {

  @TempDir Path dir;

  @Test
  void anImportsRowsAreNotCountedThroughTheUpdateHook() throws Exception {
    try (SqlConnection c = SqlConnection.open(dir.resolve("db.sqlite"), false, SqlLimits.d1())) {
      c.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      c.exec("INSERT INTO t(v) VALUES ('before')");
      assertThat(c.rowCounter().byTable())
          .as("a new connection counts rows through the hook")
          .containsEntry("t", 1L);

      StringBuilder dump = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        dump.append("INSERT INTO t(v) VALUES ('row ").append(i).append("');\n");
      }
      dump.append("CREATE INDEX tv ON t(v);\nINSERT INTO t(v) VALUES ('last');\n");
      c.exec("BEGIN IMMEDIATE");
      long before = c.totalChanges();
      ImportStatements statements = new ImportStatements(c);
      StatementStream stream = new StatementStream(new StringReader(dump.toString()), 1_000_000);
      long n = 0;
      for (var s = stream.next(); s != null; s = stream.next()) {
        statements.run(s, ++n);
      }
      statements.finish();
      c.exec("COMMIT");

      assertThat(c.totalChanges() - before).as("what the import reports").isEqualTo(1001);
      assertThat(c.rowCounter().byTable()).as("no row went through the hook").isEmpty();

      c.countRowsWritten(true);
      c.exec("INSERT INTO t(v) VALUES ('after')");
      assertThat(c.rowCounter().byTable()).containsEntry("t", 1L);
    }
  }
}
