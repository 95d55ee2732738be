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
 * Every connection's page cache, the writer's and the readers', is bounded below SQLite's default
 * of 2,000 KiB (docs/performance.md#sqlites-caches-bounded-issue-17).
 */
class CacheSizeTest {

  @TempDir Path dir;

  @Test
  void everyConnectionCachesAtMostHalfAMebibyte() throws Exception {
    Path file = dir.resolve("db.sqlite");
    try (SqlConnection writer = SqlConnection.open(file, false, SqlLimits.d1())) {
      writer.exec("CREATE TABLE t(x)");
      try (SqlConnection reader = SqlConnection.open(file, true, SqlLimits.d1())) {
        assertThat(cacheSize(reader)).isEqualTo(-SqlConnection.CACHE_KIB).isEqualTo(-512);
        assertThat(cacheSize(writer)).isEqualTo(-512);
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
