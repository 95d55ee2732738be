package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.util.List;
import java.util.Optional;

/** {@link Accounts} in the catalog's {@code accounts} table, in either store. */
final class JdbcAccounts implements Accounts {

  private final CatalogSql store;

  JdbcAccounts(CatalogSql store) {
    this.store = store;
  }

  @Override
  public Account create(String name) {
    return ensure(AccountId.random(Secrets.RANDOM), name);
  }

  @Override
  public Optional<Account> createFirst(String name) {
    AccountId id = AccountId.random(Secrets.RANDOM);
    boolean made =
        store.transaction(
            "create the first account",
            conn -> {
              store.lockAccounts(conn);
              return CatalogSql.update(
                      conn,
                      "INSERT INTO accounts(id, name, created_at_ms)"
                          + " SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM accounts)",
                      ps -> {
                        ps.setString(1, id.value());
                        ps.setString(2, name);
                        ps.setLong(3, CatalogStore.nowMillis());
                      })
                  == 1;
            });
    return made ? find(id) : Optional.empty();
  }

  @Override
  public Account ensure(AccountId id, String name) {
    // Several processes or nodes may ensure the same account at once: the insert that loses does
    // nothing.
    store.update(
        "INSERT INTO accounts(id, name, created_at_ms) VALUES(?,?,?) ON CONFLICT(id) DO NOTHING",
        ps -> {
          ps.setString(1, id.value());
          ps.setString(2, name);
          ps.setLong(3, CatalogStore.nowMillis());
        });
    return find(id).orElseThrow();
  }

  @Override
  public Optional<Account> find(AccountId id) {
    return store.queryOne(
        "SELECT " + CatalogRows.ACCOUNT_COLUMNS + " FROM accounts WHERE id = ?",
        ps -> ps.setString(1, id.value()),
        CatalogRows::account);
  }

  @Override
  public List<Account> list() {
    return store.queryAll(
        "SELECT " + CatalogRows.ACCOUNT_COLUMNS + " FROM accounts ORDER BY created_at_ms, id",
        ps -> {},
        CatalogRows::account);
  }
}
