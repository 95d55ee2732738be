package dev.opend1.catalog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * The embedded catalog: one SQLite file, {@code DATA_DIR/catalog.sqlite} ({@link CatalogStore}),
 * holding the accounts, the tokens and the database records.
 */
public final class SqliteCatalog implements Catalog {

  private final CatalogStore store;
  private final JdbcAccounts accounts;
  private final JdbcTokens tokens;
  private final JdbcDatabaseRecords databases;

  private SqliteCatalog(CatalogStore store) {
    this.store = store;
    this.accounts = new JdbcAccounts(store);
    this.tokens = new JdbcTokens(store, accounts);
    this.databases = new JdbcDatabaseRecords(store, Optional.empty());
  }

  /** Opens (creating if needed) the catalog file and brings its schema up to date. */
  public static SqliteCatalog open(Path file) {
    return new SqliteCatalog(CatalogStore.open(file));
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

  /** A database row as stored, whatever its state ({@code creating}, {@code ready}, ...). */
  public record StoredDatabase(DatabaseRecord record, String state) {}

  /**
   * Checks a catalog file and reads every database row, opening it read-only so nothing changes
   * (for {@code opend1 doctor}, with no server running).
   *
   * @throws IllegalStateException when the file cannot be opened or fails SQLite's integrity check
   */
  public static List<StoredDatabase> inspect(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.READONLY);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
        String first = rs.next() ? rs.getString(1) : "no answer";
        if (!first.equals("ok")) {
          throw new IllegalStateException("catalog " + file + " is damaged: " + first);
        }
      }
      List<StoredDatabase> out = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT " + CatalogRows.DATABASE_COLUMNS + ", state FROM databases ORDER BY id")) {
        while (rs.next()) {
          out.add(new StoredDatabase(CatalogRows.database(rs), rs.getString(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("open catalog " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds a database record recovered from its metadata file as ready, creating its account if
   * needed; used only to rebuild a lost catalog.
   */
  public void restoreDatabase(DatabaseRecord r) {
    accounts.ensure(r.account(), "recovered");
    databases.reserve(r, Integer.MAX_VALUE);
    databases.activate(r.id());
  }

  @Override
  public void close() {
    store.close();
  }
}
