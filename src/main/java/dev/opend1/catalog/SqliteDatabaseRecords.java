package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link DatabaseRecords} in the catalog file's {@code databases} table, whose {@code state} column
 * ({@code creating}, {@code ready}, {@code deleting}) carries the two-step life: only {@code ready}
 * rows are visible, every row holds its name.
 */
final class SqliteDatabaseRecords implements DatabaseRecords {

  /** The columns {@link #read} reads, in its order. */
  static final String COLUMNS =
      "id, account_id, name, created_at_ms, location_hint, jurisdiction, created_in_region,"
          + " read_replication";

  private final CatalogStore store;

  SqliteDatabaseRecords(CatalogStore store) {
    this.store = store;
  }

  @Override
  public void reserve(DatabaseRecord r, int limit) {
    store.transaction(
        "reserve database",
        conn -> {
          int count;
          try (PreparedStatement ps =
              conn.prepareStatement("SELECT count(*) FROM databases WHERE account_id = ?")) {
            ps.setString(1, r.account().value());
            try (ResultSet rs = ps.executeQuery()) {
              count = rs.getInt(1);
            }
          }
          if (nameTaken(conn, r.account(), r.name())) {
            throw new D1Exception.DuplicateName();
          }
          if (count >= limit) {
            throw new D1Exception.DatabaseLimitReached(limit);
          }
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO databases("
                      + COLUMNS
                      + ", state) VALUES(?,?,?,?,?,?,?,?,'creating')")) {
            ps.setString(1, r.id().toString());
            ps.setString(2, r.account().value());
            ps.setString(3, r.name());
            ps.setLong(4, r.createdAt().toEpochMilli());
            ps.setString(5, r.locationHint().map(Region::hint).orElse(null));
            ps.setString(6, r.jurisdiction().orElse(null));
            ps.setString(7, r.createdInRegion().name());
            ps.setString(8, r.readReplicationMode());
            ps.executeUpdate();
          }
          return null;
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
        "SELECT " + COLUMNS + " FROM databases WHERE account_id = ? AND id = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, id.toString());
        },
        SqliteDatabaseRecords::read);
  }

  @Override
  public Optional<DatabaseRecord> findByName(AccountId account, String name) {
    return store.queryOne(
        "SELECT "
            + COLUMNS
            + " FROM databases WHERE account_id = ? AND name = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, name);
        },
        SqliteDatabaseRecords::read);
  }

  @Override
  public DatabasePage list(AccountId account, Optional<String> nameFilter, int page, int perPage) {
    String where =
        " FROM databases WHERE account_id = ? AND state = 'ready'"
            + (nameFilter.isPresent() ? " AND instr(lower(name), lower(?)) > 0" : "");
    CatalogStore.SqlBinder bind =
        ps -> {
          ps.setString(1, account.value());
          if (nameFilter.isPresent()) {
            ps.setString(2, nameFilter.get());
          }
        };
    return store.locked(
        () -> {
          int total = store.queryOne("SELECT count(*)" + where, bind, rs -> rs.getInt(1)).orElse(0);
          long offset = (long) (page - 1) * perPage;
          int base = nameFilter.isPresent() ? 3 : 2;
          List<DatabaseRecord> items =
              offset >= total
                  ? List.of()
                  : store.queryAll(
                      "SELECT " + COLUMNS + where + " ORDER BY created_at_ms, id LIMIT ? OFFSET ?",
                      ps -> {
                        bind.bind(ps);
                        ps.setInt(base, perPage);
                        ps.setLong(base + 1, offset);
                      },
                      SqliteDatabaseRecords::read);
          return new DatabasePage(items, total);
        });
  }

  @Override
  public Optional<DatabaseRecord> setReadReplication(
      AccountId account, DatabaseId id, String mode) {
    return store.locked(
        () -> {
          int n =
              store.update(
                  "UPDATE databases SET read_replication = ?"
                      + " WHERE account_id = ? AND id = ? AND state = 'ready'",
                  ps -> {
                    ps.setString(1, mode);
                    ps.setString(2, account.value());
                    ps.setString(3, id.toString());
                  });
          return n == 0 ? Optional.empty() : find(account, id);
        });
  }

  @Override
  public void markDeleting(DatabaseId id) {
    store.update(
        "UPDATE databases SET state = 'deleting' WHERE id = ?",
        ps -> ps.setString(1, id.toString()));
  }

  @Override
  public void remove(DatabaseId id) {
    store.update("DELETE FROM databases WHERE id = ?", ps -> ps.setString(1, id.toString()));
  }

  @Override
  public List<DatabaseId> unfinished() {
    return store.queryAll(
        "SELECT id FROM databases WHERE state IN ('creating', 'deleting')",
        ps -> {},
        rs -> new DatabaseId(UUID.fromString(rs.getString(1))));
  }

  /** A row's {@link #COLUMNS}. */
  static DatabaseRecord read(ResultSet rs) throws SQLException {
    return new DatabaseRecord(
        new DatabaseId(UUID.fromString(rs.getString(1))),
        new AccountId(rs.getString(2)),
        rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4)),
        Optional.ofNullable(rs.getString(5)).flatMap(Region::fromHint),
        Optional.ofNullable(rs.getString(6)),
        Region.valueOf(rs.getString(7)),
        rs.getString(8));
  }
}
