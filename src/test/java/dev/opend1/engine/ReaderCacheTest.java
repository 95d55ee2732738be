package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.SqlLimits;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read connection's page cache is bounded below SQLite's default, and the writer keeps the
 * default (docs/performance.md#memory).
 */
class ReaderCacheTest {

  @TempDir Path dir;

  @Test
  void readersCacheLessThanTheWriter() throws Exception {
    Path file = dir.resolve("db.sqlite");
    try (SqlConnection writer = SqlConnection.open(file, false, SqlLimits.d1())) {
      writer.exec("CREATE TABLE t(x)");
      try (SqlConnection reader = SqlConnection.open(file, true, SqlLimits.d1())) {
        assertThat(cacheSize(reader)).isEqualTo(-SqlConnection.READER_CACHE_KIB).isEqualTo(-512);
        assertThat(cacheSize(writer)).as("SQLite's default").isEqualTo(-2000);
      }
    }
  }

  private static long cacheSize(SqlConnection c) throws SQLException {
    try (Statement st = c.jdbc().createStatement();
        ResultSet rs = st.executeQuery("PRAGMA cache_size")) {
      return rs.getLong(1);
    }
  }
}
