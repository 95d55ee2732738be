package dev.opend1.catalog;

import dev.opend1.core.D1Exception;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * What a failed statement on the shared PostgreSQL database means for the request that ran it: the
 * server unreachable (stopped, restarting, cut off) is a retryable {@link
 * D1Exception.CatalogUnreachable}, answered 503; anything else stays the server's fault. Used by
 * the catalog, by the cluster's leases and nodes, and by the analytics, which share the pool.
 */
public final class PostgresFailures {

  /**
   * SQLSTATEs of a server that went away: 57P01 to 57P03 (shut down by an administrator, crashed,
   * not accepting connections yet).
   */
  private static final Set<String> GONE = Set.of("57P01", "57P02", "57P03");

  private PostgresFailures() {}

  /** The exception to throw for {@code e}, raised while doing {@code what}. */
  public static RuntimeException of(String what, SQLException e) {
    if (unreachable(e)) {
      return new D1Exception.CatalogUnreachable(what);
    }
    return new IllegalStateException(what + ": " + e.getMessage(), e);
  }

  /**
   * True for a connection that could not be had (the pool's wait ended: HikariCP's {@code
   * SQLTransientConnectionException}) or was lost: class 08 (connection exception) or a server
   * going away, anywhere in the chain of causes.
   */
  static boolean unreachable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || GONE.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }
}
