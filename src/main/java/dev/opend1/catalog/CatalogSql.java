package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Where the catalog's SQL runs: the SQLite file's one connection ({@link CatalogStore}) or a pool
 * of PostgreSQL connections ({@link PostgresStore}). {@link JdbcAccounts}, {@link JdbcTokens} and
 * {@link JdbcDatabaseRecords} are written once over it, in the SQL both understand; what differs
 * between the two is only how a step is kept apart from concurrent ones.
 */
interface CatalogSql {

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface SqlBinder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Reads the current row of a result. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Work on a connection. */
  @FunctionalInterface
  interface SqlStep<T> {
    T run(Connection conn) throws SQLException;
  }

  <T> List<T> queryAll(String sql, SqlBinder binder, RowReader<T> reader);

  default <T> Optional<T> queryOne(String sql, SqlBinder binder, RowReader<T> reader) {
    List<T> rows = queryAll(sql, binder, reader);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Runs one statement that changes rows; returns how many. */
  int update(String sql, SqlBinder binder);

  /** Runs a step in one transaction: all of it commits, or none of it. */
  <T> T transaction(String what, SqlStep<T> step);

  /**
   * Within a {@link #transaction}: makes steps on one account (reserving a database name) run one
   * after the other, whichever process or node runs them. SQLite's transactions already do (each
   * takes the file's write lock at its start); PostgreSQL locks the account's row.
   */
  void lockAccount(Connection conn, AccountId account) throws SQLException;

  /**
   * Within a {@link #transaction}: makes steps that add accounts run one after the other, so a
   * check that there is none holds until the transaction ends. SQLite's transactions already do;
   * PostgreSQL locks the table against other writers (readers go on).
   */
  void lockAccounts(Connection conn) throws SQLException;

  /** Reads every row of a query on a connection already held (within a {@link #transaction}). */
  static <T> List<T> queryAll(Connection c, String sql, SqlBinder binder, RowReader<T> reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    }
  }

  /** Runs one statement that changes rows on a connection already held. */
  static int update(Connection c, String sql, SqlBinder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    }
  }
}
