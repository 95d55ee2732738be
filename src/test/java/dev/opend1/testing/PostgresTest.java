package dev.opend1.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test harness itself: a real PostgreSQL answers, with passwords checked, one database each.
 */
class PostgresTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @Test
  void aRealServerAnswersOnLoopback() throws SQLException {
    try (Connection c =
            DriverManager.getConnection(PG.jdbcUrl(), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database(), version()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(PG.name());
      assertThat(rs.getString(2)).startsWith("PostgreSQL");
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DriverManager.getConnection(PG.jdbcUrl(), Postgres.USER, "wrong").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void freshDatabasesAreEmptyAndApart() throws SQLException {
    String other = PG.fresh();
    try (Connection a =
            DriverManager.getConnection(PG.jdbcUrl(), Postgres.USER, Postgres.PASSWORD);
        Connection b =
            DriverManager.getConnection(
                PG.server().jdbcUrl(other), Postgres.USER, Postgres.PASSWORD);
        Statement sa = a.createStatement();
        Statement sb = b.createStatement()) {
      sa.execute("CREATE TABLE only_here(x int)");
      try (ResultSet rs =
          sb.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    } finally {
      PG.server().dropDatabase(other);
    }
  }
}
