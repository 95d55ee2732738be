package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.D1Exception;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which failed statements mean PostgreSQL is unreachable (a retryable 503), and which do not. */
class PostgresFailuresTest {

  @Test
  void noConnectionWithinThePoolsWaitIsUnreachable() {
    SQLException e =
        new SQLTransientConnectionException(
            "opend1-catalog - Connection is not available, request timed out after 10000ms.");
    assertThat(PostgresFailures.of("catalog query", e))
        .isInstanceOf(D1Exception.CatalogUnreachable.class)
        .hasMessageContaining("catalog query")
        .hasMessageNotContaining("10000ms");
  }

  @Test
  void aConnectionLostOrAServerShuttingDownIsUnreachable() {
    assertThat(PostgresFailures.of("renew", new SQLException("I/O error", "08006")))
        .isInstanceOf(D1Exception.CatalogUnreachable.class);
    assertThat(PostgresFailures.of("renew", new SQLException("terminating connection", "57P01")))
        .isInstanceOf(D1Exception.CatalogUnreachable.class);
    SQLException wrapped = new SQLException("failed", null, new SQLException("refused", "08001"));
    assertThat(PostgresFailures.of("heartbeat", wrapped))
        .isInstanceOf(D1Exception.CatalogUnreachable.class);
  }

  @Test
  void anyOtherFailureIsTheServersFault() {
    assertThat(PostgresFailures.of("insert", new SQLException("duplicate key", "23505")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("insert: duplicate key");
    assertThat(PostgresFailures.of("query", new SQLException("no state")))
        .isInstanceOf(IllegalStateException.class);
  }
}
