package dev.opend1.analytics;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL analytics store maps its failures as the catalog does: PostgreSQL out of reach is
 * {@link D1Exception.CatalogUnreachable} (a retryable 503), any other failure stays the server's.
 */
class PostgresAnalyticsFailuresTest {

  /** A pool whose wait for a connection ends without one, as HikariCP's does. */
  private static DataSource unreachable() {
    return proxy(
        DataSource.class,
        "getConnection",
        new SQLTransientConnectionException("pool - Connection is not available"));
  }

  /** A pool whose connections fail every statement with {@code sqlState}. */
  private static DataSource failingStatements(String sqlState) {
    Connection c =
        proxy(
            Connection.class,
            "prepareStatement",
            new SQLException("relation \"analytics_database_minutes\" does not exist", sqlState));
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (p, m, args) -> m.getName().equals("getConnection") ? c : null);
  }

  /**
   * An instance of {@code type} whose method {@code failing} throws {@code e}; others do nothing.
   */
  private static <T> T proxy(Class<T> type, String failing, SQLException e) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, m, args) -> {
              if (m.getName().equals(failing)) {
                throw e;
              }
              return m.getReturnType() == boolean.class ? false : null;
            }));
  }

  private static Map<DatabaseMinute, DatabaseTally> oneMinute() {
    DatabaseTally t = new DatabaseTally();
    t.readQueries = 1;
    return Map.of(new DatabaseMinute("acc", "db", 1), t);
  }

  @Test
  void postgresOutOfReachIsTheCatalogsRetryableError() {
    PostgresAnalyticsStore store = new PostgresAnalyticsStore(unreachable());
    assertThatThrownBy(() -> store.add(oneMinute(), Map.of()))
        .isInstanceOf(D1Exception.CatalogUnreachable.class)
        .hasMessageContaining("write analytics");
    assertThatThrownBy(() -> store.prune(1, 10)).isInstanceOf(D1Exception.CatalogUnreachable.class);
  }

  @Test
  void anyOtherFailureStaysTheServers() {
    PostgresAnalyticsStore store = new PostgresAnalyticsStore(failingStatements("42P01"));
    assertThatThrownBy(() -> store.add(oneMinute(), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("write analytics: relation");
  }
}
