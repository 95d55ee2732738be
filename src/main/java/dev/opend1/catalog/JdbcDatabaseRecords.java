package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link DatabaseRecords} in the catalog's {@code databases} table, in either store, whose {@code
 * state} column ({@code creating}, {@code ready}, {@code deleting}) carries the two-step life: only
 * {@code ready} rows are visible, every row holds its name. Reserves in one account run one after
 * the other ({@link CatalogSql#lockAccount}), so the count and the name check see every earlier
 * reserve, from any process or node.
 *
 * <p>With a {@code node} (the PostgreSQL catalog, which several nodes share), a row in flight also
 * says whose step it is ({@code pending_on}), so that {@link #unfinished} hands a node only its own
 * creates and deletes to finish: another node's are still running.
 */
final class JdbcDatabaseRecords implements DatabaseRecords {

  private final CatalogSql store;

  /** The node whose creates and deletes this records; empty for a catalog of one server's own. */
  private final Optional<String> node;

  JdbcDatabaseRecords(CatalogSql store, Optional<String> node) {
    this.store = store;
    this.node = node;
  }

  @Override
  public void reserve(DatabaseRecord r, int limit) {
    store.transaction(
        "reserve database",
        conn -> {
          store.lockAccount(conn, r.account());
          int count =
              CatalogSql.queryAll(
                      conn,
                      "SELECT count(*) FROM databases WHERE account_id = ?",
                      ps -> ps.setString(1, r.account().value()),
                      rs -> rs.getInt(1))
                  .get(0);
          if (nameTaken(conn, r.account(), r.name())) {
            throw new D1Exception.DuplicateName();
          }
          if (count >= limit) {
            throw new D1Exception.DatabaseLimitReached(limit);
          }
          return CatalogSql.update(
              conn,
              "INSERT INTO databases("
                  + CatalogRows.DATABASE_COLUMNS
                  + ", state"
                  + (node.isPresent() ? ", pending_on" : "")
                  + ") VALUES(?,?,?,?,?,?,?,?,'creating'"
                  + (node.isPresent() ? ",?" : "")
                  + ")",
              ps -> {
                ps.setString(1, r.id().toString());
                ps.setString(2, r.account().value());
                ps.setString(3, r.name());
                ps.setLong(4, r.createdAt().toEpochMilli());
                ps.setString(5, r.locationHint().map(Region::hint).orElse(null));
                ps.setString(6, r.jurisdiction().orElse(null));
                ps.setString(7, r.createdInRegion().name());
                ps.setString(8, r.readReplicationMode());
                if (node.isPresent()) {
                  ps.setString(9, node.get());
                }
              });
        });
  }

  /** Whether a row of any state holds the name in the account. */
  private static boolean nameTaken(Connection conn, AccountId account, String name)
      throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT 1 FROM databases WHERE account_id = ? AND name = ?")) {
      ps.setString(1, account.value());
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void activate(DatabaseId id) {
    store.update(
        "UPDATE databases SET state = 'ready' WHERE id = ?", ps -> ps.setString(1, id.toString()));
  }

  @Override
  public Optional<DatabaseRecord> find(AccountId account, DatabaseId id) {
    return store.queryOne(
        "SELECT "
            + CatalogRows.DATABASE_COLUMNS
            + " FROM databases WHERE account_id = ? AND id = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, id.toString());
        },
        CatalogRows::database);
  }

  @Override
  public Optional<DatabaseRecord> findByName(AccountId account, String name) {
    return store.queryOne(
        "SELECT "
            + CatalogRows.DATABASE_COLUMNS
            + " FROM databases WHERE account_id = ? AND name = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, name);
        },
        CatalogRows::database);
  }

  /**
   * The count and the page in one statement, so both describe one state. The name filter is a
   * substring, ASCII letters folded: SQLite's {@code lower} folds only those, and so does
   * PostgreSQL's under the byte-wise collation the name column has.
   */
  @Override
  public DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage) {
    long offset = (long) (page - 1) * perPage;
    String where =
        " FROM databases WHERE account_id = ? AND state = 'ready'"
            + (nameFilter.isPresent() ? " AND lower(name) LIKE ? ESCAPE '!'" : "");
    CatalogSql.SqlBinder bind =
        ps -> {
          ps.setString(1, account.value());
          if (nameFilter.isPresent()) {
            ps.setString(2, "%" + likeLiteral(asciiLower(nameFilter.get())) + "%");
          }
        };
    int base = nameFilter.isPresent() ? 3 : 2;
    int[] total = {0};
    List<DatabaseRecord> items =
        store.queryAll(
            "SELECT "
                + CatalogRows.DATABASE_COLUMNS
                + ", count(*) OVER () AS total"
                + where
                + " ORDER BY created_at_ms, id LIMIT ? OFFSET ?",
            ps -> {
              bind.bind(ps);
              ps.setInt(base, perPage);
              ps.setLong(base + 1, offset);
            },
            rs -> {
              total[0] = rs.getInt(9);
              return CatalogRows.database(rs);
            });
    if (items.isEmpty() && offset > 0) {
      // Past the last page no row carries the total: count alone.
      total[0] = store.queryOne("SELECT count(*)" + where, bind, rs -> rs.getInt(1)).orElse(0);
    }
    return new DatabasePage(items, total[0]);
  }

  /** Lowercases ASCII letters only, as SQLite's {@code lower} does. */
  private static String asciiLower(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.chars().forEach(c -> out.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c)));
    return out.toString();
  }

  /** The text as a LIKE pattern that matches only itself ({@code !} escapes). */
  private static String likeLiteral(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  @Override
  public Optional<DatabaseRecord> setReadReplication(
      AccountId account, DatabaseId id, String mode) {
    return store.transaction(
        "set read replication",
        conn -> {
          int n =
              CatalogSql.update(
                  conn,
                  "UPDATE databases SET read_replication = ?"
                      + " WHERE account_id = ? AND id = ? AND state = 'ready'",
                  ps -> {
                    ps.setString(1, mode);
                    ps.setString(2, account.value());
                    ps.setString(3, id.toString());
                  });
          return n == 0
              ? Optional.<DatabaseRecord>empty()
              : CatalogSql.queryAll(
                      conn,
                      "SELECT " + CatalogRows.DATABASE_COLUMNS + " FROM databases WHERE id = ?",
                      ps -> ps.setString(1, id.toString()),
                      CatalogRows::database)
                  .stream()
                  .findFirst();
        });
  }

  @Override
  public void markDeleting(DatabaseId id) {
    store.update(
        "UPDATE databases SET state = 'deleting'"
            + (node.isPresent() ? ", pending_on = ?" : "")
            + " WHERE id = ?",
        ps -> {
          int i = 1;
          if (node.isPresent()) {
            ps.setString(i++, node.get());
          }
          ps.setString(i, id.toString());
        });
  }

  @Override
  public void remove(DatabaseId id) {
    store.update("DELETE FROM databases WHERE id = ?", ps -> ps.setString(1, id.toString()));
  }

  @Override
  public List<DatabaseId> unfinished() {
    return store.queryAll(
        "SELECT id FROM databases WHERE state IN ('creating', 'deleting')"
            + (node.isPresent() ? " AND (pending_on = ? OR pending_on IS NULL)" : ""),
        ps -> {
          if (node.isPresent()) {
            ps.setString(1, node.get());
          }
        },
        rs -> new DatabaseId(UUID.fromString(rs.getString(1))));
  }
}
