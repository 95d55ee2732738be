package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Tokens} in the catalog file's {@code tokens} and {@code operator_tokens} tables. A secret
 * is found through its hash's index; the stored hash is then compared with the computed one in
 * constant time, so the answer's timing says nothing about how close a guess came.
 */
final class SqliteTokens implements Tokens {

  private static final String TOKEN_COLUMNS =
      "id, account_id, name, permission, created_at_ms, legacy_email, secret_hash";

  private final CatalogStore store;
  private final Accounts accounts;

  SqliteTokens(CatalogStore store, Accounts accounts) {
    this.store = store;
    this.accounts = accounts;
  }

  @Override
  public IssuedToken create(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    String secret = Secrets.newSecret();
    ApiToken token = insert(account, secret, name, permission, legacyEmail);
    return new IssuedToken(token, secret);
  }

  @Override
  public ApiToken ensure(AccountId account, String secret, String name, Permission permission) {
    return store.locked(
        "ensure token",
        conn -> {
          Optional<ApiToken> existing = findBearer(secret);
          if (existing.isEmpty()) {
            return insert(account, secret, name, permission, Optional.empty());
          }
          ApiToken t = existing.get();
          if (t.account().equals(account) && t.permission() == permission) {
            return t;
          }
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "UPDATE tokens SET account_id = ?, permission = ? WHERE id = ?")) {
            ps.setString(1, account.value());
            ps.setString(2, permission.name().toLowerCase(Locale.ROOT));
            ps.setString(3, t.id());
            ps.executeUpdate();
          }
          return findBearer(secret).orElseThrow();
        });
  }

  private ApiToken insert(
      AccountId account,
      String secret,
      String name,
      Permission permission,
      Optional<String> legacyEmail) {
    if (accounts.find(account).isEmpty()) {
      throw new IllegalArgumentException("no account " + account);
    }
    String id = Secrets.newTokenId();
    long now = CatalogStore.nowMillis();
    return store.locked(
        "create token",
        conn -> {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO tokens(id, account_id, name, permission, secret_hash,"
                      + " legacy_email, created_at_ms) VALUES(?,?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setString(2, account.value());
            ps.setString(3, name);
            ps.setString(4, permission.name().toLowerCase(Locale.ROOT));
            ps.setBytes(5, Secrets.hash(secret));
            ps.setString(6, legacyEmail.map(e -> e.toLowerCase(Locale.ROOT)).orElse(null));
            ps.setLong(7, now);
            ps.executeUpdate();
          }
          return new ApiToken(
              id, account, name, permission, Instant.ofEpochMilli(now), legacyEmail);
        });
  }

  @Override
  public List<ApiToken> list() {
    return store.queryAll(
        "SELECT " + TOKEN_COLUMNS + " FROM tokens ORDER BY created_at_ms, id",
        ps -> {},
        SqliteTokens::readToken);
  }

  @Override
  public boolean revoke(String tokenId) {
    return store.update("DELETE FROM tokens WHERE id = ?", ps -> ps.setString(1, tokenId))
            + store.update(
                "DELETE FROM operator_tokens WHERE id = ?", ps -> ps.setString(1, tokenId))
        > 0;
  }

  @Override
  public OperatorToken.Issued createOperator(String name) {
    String secret = Secrets.newSecret();
    OperatorToken token =
        new OperatorToken(
            Secrets.newTokenId(), name, Instant.ofEpochMilli(CatalogStore.nowMillis()));
    store.update(
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
  public List<OperatorToken> operators() {
    return store.queryAll(
        "SELECT id, name, created_at_ms FROM operator_tokens ORDER BY created_at_ms, id",
        ps -> {},
        SqliteTokens::readOperatorToken);
  }

  @Override
  public Optional<OperatorToken> findOperator(String secret) {
    byte[] hash = Secrets.hash(secret);
    Optional<Object[]> row =
        store.queryOne(
            "SELECT id, name, created_at_ms, secret_hash FROM operator_tokens"
                + " WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {readOperatorToken(rs), rs.getBytes(4)});
    return row.filter(r -> Secrets.sameHash(hash, (byte[]) r[1])).map(r -> (OperatorToken) r[0]);
  }

  @Override
  public Optional<ApiToken> findBearer(String secret) {
    return findBySecret(secret).filter(t -> t.legacyEmail().isEmpty());
  }

  @Override
  public Optional<ApiToken> findLegacyKey(String email, String key) {
    String wanted = email.toLowerCase(Locale.ROOT);
    return findBySecret(key).filter(t -> t.legacyEmail().map(wanted::equals).orElse(false));
  }

  /** An account's token by its secret, a bearer token or a legacy key. */
  private Optional<ApiToken> findBySecret(String secret) {
    byte[] hash = Secrets.hash(secret);
    Optional<Object[]> row =
        store.queryOne(
            "SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {readToken(rs), rs.getBytes(7)});
    return row.filter(r -> Secrets.sameHash(hash, (byte[]) r[1])).map(r -> (ApiToken) r[0]);
  }

  private static OperatorToken readOperatorToken(ResultSet rs) throws SQLException {
    return new OperatorToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
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
}
