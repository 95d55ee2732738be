package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link Accounts} in the catalog file's {@code accounts} table. */
final class SqliteAccounts implements Accounts {

  private final CatalogStore store;

  SqliteAccounts(CatalogStore store) {
    this.store = store;
  }

  @Override
  public Account create(String name) {
    return ensure(AccountId.random(Secrets.RANDOM), name);
  }

  @Override
  public Account ensure(AccountId id, String name) {
    return store.locked(
        "ensure account",
        conn -> {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO accounts(id, name, created_at_ms) VALUES(?,?,?)"
                      + " ON CONFLICT(id) DO NOTHING")) {
            ps.setString(1, id.value());
            ps.setString(2, name);
            ps.setLong(3, CatalogStore.nowMillis());
            ps.executeUpdate();
          }
          return find(id).orElseThrow();
        });
  }

  @Override
  public Optional<Account> find(AccountId id) {
    return store.queryOne(
        "SELECT id, name, created_at_ms FROM accounts WHERE id = ?",
        ps -> ps.setString(1, id.value()),
        SqliteAccounts::read);
  }

  @Override
  public List<Account> list() {
    return store.queryAll(
        "SELECT id, name, created_at_ms FROM accounts ORDER BY created_at_ms, id",
        ps -> {},
        SqliteAccounts::read);
  }

  private static Account read(ResultSet rs) throws SQLException {
    return new Account(
        new AccountId(rs.getString(1)), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }
}
