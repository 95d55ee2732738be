package dev.opend1.catalog;

import java.util.Optional;
import javax.sql.DataSource;

/**
 * The catalog in PostgreSQL, for several nodes sharing one ({@code --catalog postgresql://...}):
 * the same accounts, tokens and database records as {@link SqliteCatalog}, with the same rules,
 * over a pool of connections ({@link PostgresStore}). Its schema is versioned ({@link
 * PostgresSchema}) and brought up to date when it opens.
 */
public final class PostgresCatalog implements Catalog {

  private final PostgresStore store;
  private final JdbcAccounts accounts;
  private final JdbcTokens tokens;
  private final JdbcDatabaseRecords databases;

  private PostgresCatalog(PostgresStore store, Optional<String> node) {
    this.store = store;
    this.accounts = new JdbcAccounts(store);
    this.tokens = new JdbcTokens(store, accounts);
    this.databases = new JdbcDatabaseRecords(store, node);
  }

  /**
   * Connects and migrates the schema.
   *
   * @param jdbcUrl {@code jdbc:postgresql://HOST:PORT/DATABASE}
   * @param password never logged; null when the server asks for none
   * @throws IllegalStateException when PostgreSQL cannot be reached, refuses the credentials, or
   *     holds a schema newer than this opend1 knows
   */
  public static PostgresCatalog open(String jdbcUrl, String user, String password) {
    return new PostgresCatalog(PostgresStore.open(jdbcUrl, user, password), Optional.empty());
  }

  /**
   * Connects and migrates the schema, for a serving node: the creates and deletes it starts are
   * marked as its own, and {@link DatabaseRecords#unfinished} reports only those (and any left by a
   * version that did not mark them), never another node's that is still running.
   *
   * @param node the node's id, stable across its restarts
   */
  public static PostgresCatalog open(String jdbcUrl, String user, String password, String node) {
    return new PostgresCatalog(PostgresStore.open(jdbcUrl, user, password), Optional.of(node));
  }

  @Override
  public Accounts accounts() {
    return accounts;
  }

  @Override
  public Tokens tokens() {
    return tokens;
  }

  @Override
  public DatabaseRecords databases() {
    return databases;
  }

  /** The store, for {@link CatalogImport}. */
  PostgresStore store() {
    return store;
  }

  /** The pool; the analytics' tables are in the same schema. Closed with the catalog. */
  @Override
  public Optional<DataSource> sharedDatabase() {
    return Optional.of(store.dataSource());
  }

  @Override
  public void close() {
    store.close();
  }
}
