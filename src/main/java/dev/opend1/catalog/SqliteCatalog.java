package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The embedded catalog: one SQLite file, {@code DATA_DIR/catalog.sqlite}, in WAL mode so the server
 * and the command-line tools ({@code token create}, {@code token revoke}) can use it at the same
 * time; each sees the other's commits on its next query.
 *
 * <p>The catalog is small and its queries are point lookups, so one connection serves the whole
 * process, guarded by {@link #lock}.
 */
public final class SqliteCatalog implements Catalog {

  private static final int SCHEMA_VERSION = 2;

  /** Guards {@link #conn}: a JDBC connection is not safe for concurrent use. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Connection conn;

  private SqliteCatalog(Connection conn) {
    this.conn = conn;
  }

  /** Opens (creating if needed) the catalog file and brings its schema up to date. */
  public static SqliteCatalog open(Path file) {
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      config.enforceForeignKeys(true);
      // Every explicit transaction takes the write lock at its start, so a count and the insert
      // that depends on it see one state of the table.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
      SqliteCatalog catalog = new SqliteCatalog(conn);
      catalog.migrate();
      return catalog;
    } catch (SQLException e) {
      throw new IllegalStateException("open catalog " + file + ": " + whyNot(file, e), e);
    }
  }

  /**
   * Why the catalog did not open. SQLite words a file this user may not write as "attempt to write
   * a readonly database" (or worse); say "permission denied", since the catalog needs its file and
   * its directory writable even to be read (WAL mode).
   */
  private static String whyNot(Path file, SQLException e) {
    Path dir = file.toAbsolutePath().getParent();
    boolean fileDenied = java.nio.file.Files.exists(file) && !java.nio.file.Files.isWritable(file);
    if (fileDenied || (dir != null && !java.nio.file.Files.isWritable(dir))) {
      return "permission denied: this user may not write "
          + (fileDenied ? "it" : "its directory")
          + " (run the command as the user the server runs as)";
    }
    return e.getMessage();
  }

  private void migrate() throws SQLException {
    try (Statement st = conn.createStatement()) {
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.getInt(1);
      }
      if (version > SCHEMA_VERSION) {
        throw new IllegalStateException(
            "catalog schema version "
                + version
                + " is newer than this opend1 understands ("
                + SCHEMA_VERSION
                + "); run a newer opend1");
      }
      if (version < 1) {
        conn.setAutoCommit(false);
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS accounts(
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS tokens(
              id TEXT PRIMARY KEY,
              account_id TEXT NOT NULL REFERENCES accounts(id),
              name TEXT NOT NULL,
              permission TEXT NOT NULL CHECK (permission IN ('read','edit')),
              secret_hash BLOB NOT NULL UNIQUE,
              legacy_email TEXT,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS databases(
              id TEXT PRIMARY KEY,
              account_id TEXT NOT NULL REFERENCES accounts(id),
              name TEXT NOT NULL,
              created_at_ms INTEGER NOT NULL,
              location_hint TEXT,
              jurisdiction TEXT,
              created_in_region TEXT NOT NULL,
              read_replication TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('creating','ready','deleting')),
              UNIQUE(account_id, name))""");
        st.executeUpdate(
            "CREATE INDEX IF NOT EXISTS databases_by_account"
                + " ON databases(account_id, created_at_ms, id)");
        st.executeUpdate("PRAGMA user_version = 1");
        conn.commit();
        conn.setAutoCommit(true);
      }
      if (version < 2) {
        // Version 2: operator tokens, kept apart from accounts' tokens so neither can pass for
        // the other.
        conn.setAutoCommit(false);
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS operator_tokens(
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              secret_hash BLOB NOT NULL UNIQUE,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate("PRAGMA user_version = 2");
        conn.commit();
        conn.setAutoCommit(true);
      }
    }
  }

  // --- accounts -------------------------------------------------------------------------------

  @Override
  public Account createAccount(String name) {
    return ensureAccount(AccountId.random(Secrets.RANDOM), name);
  }

  @Override
  public Account ensureAccount(AccountId id, String name) {
    lock.lock();
    try {
      try (PreparedStatement ps =
          conn.prepareStatement(
              "INSERT INTO accounts(id, name, created_at_ms) VALUES(?,?,?)"
                  + " ON CONFLICT(id) DO NOTHING")) {
        ps.setString(1, id.value());
        ps.setString(2, name);
        ps.setLong(3, nowMillis());
        ps.executeUpdate();
      }
      return account(id).orElseThrow();
    } catch (SQLException e) {
      throw failure("ensure account", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<Account> account(AccountId id) {
    return queryOne(
        "SELECT id, name, created_at_ms FROM accounts WHERE id = ?",
        ps -> ps.setString(1, id.value()),
        SqliteCatalog::readAccount);
  }

  @Override
  public List<Account> accounts() {
    return queryAll(
        "SELECT id, name, created_at_ms FROM accounts ORDER BY created_at_ms, id",
        ps -> {},
        SqliteCatalog::readAccount);
  }

  private static Account readAccount(ResultSet rs) throws SQLException {
    return new Account(
        new AccountId(rs.getString(1)), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }

  // --- tokens ---------------------------------------------------------------------------------

  private static final String TOKEN_COLUMNS =
      "id, account_id, name, permission, created_at_ms, legacy_email, secret_hash";

  @Override
  public IssuedToken createToken(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    String secret = Secrets.newSecret();
    ApiToken token = insertToken(account, secret, name, permission, legacyEmail);
    return new IssuedToken(token, secret);
  }

  @Override
  public ApiToken ensureToken(
      AccountId account, String secret, String name, Permission permission) {
    lock.lock();
    try {
      Optional<ApiToken> existing = findBearerToken(secret);
      if (existing.isPresent()) {
        ApiToken t = existing.get();
        if (!t.account().equals(account) || t.permission() != permission) {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "UPDATE tokens SET account_id = ?, permission = ? WHERE id = ?")) {
            ps.setString(1, account.value());
            ps.setString(2, permission.name().toLowerCase(Locale.ROOT));
            ps.setString(3, t.id());
            ps.executeUpdate();
          }
          return findBearerToken(secret).orElseThrow();
        }
        return t;
      }
      return insertToken(account, secret, name, permission, Optional.empty());
    } catch (SQLException e) {
      throw failure("ensure token", e);
    } finally {
      lock.unlock();
    }
  }

  private ApiToken insertToken(
      AccountId account,
      String secret,
      String name,
      Permission permission,
      Optional<String> legacyEmail) {
    if (this.account(account).isEmpty()) {
      throw new IllegalArgumentException("no account " + account);
    }
    String id = Secrets.newTokenId();
    long now = nowMillis();
    lock.lock();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO tokens(id, account_id, name, permission, secret_hash, legacy_email,"
                + " created_at_ms) VALUES(?,?,?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, account.value());
      ps.setString(3, name);
      ps.setString(4, permission.name().toLowerCase(Locale.ROOT));
      ps.setBytes(5, Secrets.hash(secret));
      ps.setString(6, legacyEmail.map(e -> e.toLowerCase(Locale.ROOT)).orElse(null));
      ps.setLong(7, now);
      ps.executeUpdate();
      return new ApiToken(id, account, name, permission, Instant.ofEpochMilli(now), legacyEmail);
    } catch (SQLException e) {
      throw failure("create token", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<ApiToken> tokens() {
    return queryAll(
        "SELECT " + TOKEN_COLUMNS + " FROM tokens ORDER BY created_at_ms, id",
        ps -> {},
        SqliteCatalog::readToken);
  }

  @Override
  public boolean revokeToken(String tokenId) {
    return update("DELETE FROM tokens WHERE id = ?", ps -> ps.setString(1, tokenId))
            + update("DELETE FROM operator_tokens WHERE id = ?", ps -> ps.setString(1, tokenId))
        > 0;
  }

  @Override
  public OperatorToken.Issued createOperatorToken(String name) {
    String secret = Secrets.newSecret();
    OperatorToken token =
        new OperatorToken(Secrets.newTokenId(), name, Instant.ofEpochMilli(nowMillis()));
    update(
        "INSERT INTO operator_tokens(id, name, secret_hash, created_at_ms) VALUES(?,?,?,?)",
        ps -> {
          ps.setString(1, token.id());
          ps.setString(2, name);
          ps.setBytes(3, Secrets.hash(secret));
          ps.setLong(4, token.createdAt().toEpochMilli());
        });
    return new OperatorToken.Issued(token, secret);
  }

  @Override
  public List<OperatorToken> operatorTokens() {
    return queryAll(
        "SELECT id, name, created_at_ms FROM operator_tokens ORDER BY created_at_ms, id",
        ps -> {},
        SqliteCatalog::readOperatorToken);
  }

  @Override
  public Optional<OperatorToken> findOperatorToken(String secret) {
    byte[] hash = Secrets.hash(secret);
    Optional<Object[]> row =
        queryOne(
            "SELECT id, name, created_at_ms, secret_hash FROM operator_tokens"
                + " WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {readOperatorToken(rs), rs.getBytes(4)});
    return row.filter(r -> Secrets.sameHash(hash, (byte[]) r[1])).map(r -> (OperatorToken) r[0]);
  }

  private static OperatorToken readOperatorToken(ResultSet rs) throws SQLException {
    return new OperatorToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }

  @Override
  public Optional<ApiToken> findBearerToken(String secret) {
    return findBySecret(secret).filter(t -> t.legacyEmail().isEmpty());
  }

  @Override
  public Optional<ApiToken> findLegacyKey(String email, String key) {
    String wanted = email.toLowerCase(Locale.ROOT);
    return findBySecret(key).filter(t -> t.legacyEmail().map(wanted::equals).orElse(false));
  }

  /**
   * Finds a token by its secret. The lookup goes through the hash's index; the stored hash is then
   * compared with the computed one in constant time, so the answer's timing says nothing about how
   * close a guess came.
   */
  private Optional<ApiToken> findBySecret(String secret) {
    byte[] hash = Secrets.hash(secret);
    Optional<Object[]> row =
        queryOne(
            "SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {readToken(rs), rs.getBytes(7)});
    return row.filter(r -> Secrets.sameHash(hash, (byte[]) r[1])).map(r -> (ApiToken) r[0]);
  }

  private static ApiToken readToken(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString(1),
        new AccountId(rs.getString(2)),
        rs.getString(3),
        Permission.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
        Instant.ofEpochMilli(rs.getLong(5)),
        Optional.ofNullable(rs.getString(6)));
  }

  // --- databases ------------------------------------------------------------------------------

  private static final String DATABASE_COLUMNS =
      "id, account_id, name, created_at_ms, location_hint, jurisdiction, created_in_region,"
          + " read_replication";

  @Override
  public void reserveDatabase(DatabaseRecord r, int limit) {
    lock.lock();
    try {
      conn.setAutoCommit(false);
      try {
        int count;
        try (PreparedStatement ps =
            conn.prepareStatement("SELECT count(*) FROM databases WHERE account_id = ?")) {
          ps.setString(1, r.account().value());
          try (ResultSet rs = ps.executeQuery()) {
            count = rs.getInt(1);
          }
        }
        if (databaseByNameAnyState(r.account(), r.name())) {
          throw new D1Exception.DuplicateName();
        }
        if (count >= limit) {
          throw new D1Exception.DatabaseLimitReached(limit);
        }
        try (PreparedStatement ps =
            conn.prepareStatement(
                "INSERT INTO databases("
                    + DATABASE_COLUMNS
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
        conn.commit();
      } catch (RuntimeException | SQLException e) {
        // A failed COMMIT (a full disk) may have rolled back already: what ending the transaction
        // says then must not hide why it failed.
        try {
          conn.rollback();
        } catch (SQLException again) {
          e.addSuppressed(again);
        }
        try {
          conn.setAutoCommit(true);
        } catch (SQLException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
      conn.setAutoCommit(true);
    } catch (SQLException e) {
      throw failure("reserve database", e);
    } finally {
      lock.unlock();
    }
  }

  private boolean databaseByNameAnyState(AccountId account, String name) throws SQLException {
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
  public void activateDatabase(DatabaseId id) {
    update(
        "UPDATE databases SET state = 'ready' WHERE id = ?", ps -> ps.setString(1, id.toString()));
  }

  @Override
  public Optional<DatabaseRecord> database(AccountId account, DatabaseId id) {
    return queryOne(
        "SELECT "
            + DATABASE_COLUMNS
            + " FROM databases WHERE account_id = ? AND id = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, id.toString());
        },
        SqliteCatalog::readDatabase);
  }

  @Override
  public Optional<DatabaseRecord> databaseByName(AccountId account, String name) {
    return queryOne(
        "SELECT "
            + DATABASE_COLUMNS
            + " FROM databases WHERE account_id = ? AND name = ? AND state = 'ready'",
        ps -> {
          ps.setString(1, account.value());
          ps.setString(2, name);
        },
        SqliteCatalog::readDatabase);
  }

  @Override
  public DatabasePage listDatabases(
      AccountId account, Optional<String> nameFilter, int page, int perPage) {
    String where =
        " FROM databases WHERE account_id = ? AND state = 'ready'"
            + (nameFilter.isPresent() ? " AND instr(lower(name), lower(?)) > 0" : "");
    SqlBinder bind =
        ps -> {
          ps.setString(1, account.value());
          if (nameFilter.isPresent()) {
            ps.setString(2, nameFilter.get());
          }
        };
    lock.lock();
    try {
      int total = queryOne("SELECT count(*)" + where, bind, rs -> rs.getInt(1)).orElse(0);
      long offset = (long) (page - 1) * perPage;
      int base = nameFilter.isPresent() ? 3 : 2;
      List<DatabaseRecord> items =
          offset >= total
              ? List.of()
              : queryAll(
                  "SELECT "
                      + DATABASE_COLUMNS
                      + where
                      + " ORDER BY created_at_ms, id LIMIT ? OFFSET ?",
                  ps -> {
                    bind.bind(ps);
                    ps.setInt(base, perPage);
                    ps.setLong(base + 1, offset);
                  },
                  SqliteCatalog::readDatabase);
      return new DatabasePage(items, total);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<DatabaseRecord> setReadReplication(
      AccountId account, DatabaseId id, String mode) {
    lock.lock();
    try {
      int n =
          update(
              "UPDATE databases SET read_replication = ?"
                  + " WHERE account_id = ? AND id = ? AND state = 'ready'",
              ps -> {
                ps.setString(1, mode);
                ps.setString(2, account.value());
                ps.setString(3, id.toString());
              });
      return n == 0 ? Optional.empty() : database(account, id);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void markDeleting(DatabaseId id) {
    update(
        "UPDATE databases SET state = 'deleting' WHERE id = ?",
        ps -> ps.setString(1, id.toString()));
  }

  @Override
  public void removeDatabase(DatabaseId id) {
    update("DELETE FROM databases WHERE id = ?", ps -> ps.setString(1, id.toString()));
  }

  @Override
  public List<DatabaseId> unfinishedDatabases() {
    return queryAll(
        "SELECT id FROM databases WHERE state IN ('creating', 'deleting')",
        ps -> {},
        rs -> new DatabaseId(UUID.fromString(rs.getString(1))));
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
          st.executeQuery("SELECT " + DATABASE_COLUMNS + ", state FROM databases ORDER BY id")) {
        while (rs.next()) {
          out.add(new StoredDatabase(readDatabase(rs), rs.getString(9)));
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
    ensureAccount(r.account(), "recovered");
    reserveDatabase(r, Integer.MAX_VALUE);
    activateDatabase(r.id());
  }

  private static DatabaseRecord readDatabase(ResultSet rs) throws SQLException {
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

  // --- plumbing -------------------------------------------------------------------------------

  @FunctionalInterface
  private interface SqlBinder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> Optional<T> queryOne(String sql, SqlBinder binder, RowReader<T> reader) {
    List<T> rows = queryAll(sql, binder, reader);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private <T> List<T> queryAll(String sql, SqlBinder binder, RowReader<T> reader) {
    lock.lock();
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("catalog query", e);
    } finally {
      lock.unlock();
    }
  }

  private int update(String sql, SqlBinder binder) {
    lock.lock();
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("catalog update", e);
    } finally {
      lock.unlock();
    }
  }

  private static long nowMillis() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException(what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      conn.close();
    } catch (SQLException e) {
      throw failure("close catalog", e);
    } finally {
      lock.unlock();
    }
  }
}
