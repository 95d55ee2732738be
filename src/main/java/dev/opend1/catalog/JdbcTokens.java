package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Tokens} in the catalog's {@code tokens} and {@code operator_tokens} tables, in either
 * store. A secret is found through its hash's index; the stored hash is then compared with the
 * computed one in constant time, so the answer's timing says nothing about how close a guess came.
 */
final class JdbcTokens implements Tokens {

  private final CatalogSql store;
  private final Accounts accounts;

  JdbcTokens(CatalogSql store, Accounts accounts) {
    this.store = store;
    this.accounts = accounts;
  }

  @Override
  public IssuedToken create(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    String secret = Secrets.newSecret();
    if (accounts.find(account).isEmpty()) {
      throw new IllegalArgumentException("no account " + account);
    }
    String id = Secrets.newTokenId();
    long now = CatalogStore.nowMillis();
    store.update(
        "INSERT INTO tokens(id, account_id, name, permission, secret_hash, legacy_email,"
            + " created_at_ms) VALUES(?,?,?,?,?,?,?)",
        ps -> {
          ps.setString(1, id);
          ps.setString(2, account.value());
          ps.setString(3, name);
          ps.setString(4, CatalogRows.permission(permission));
          ps.setBytes(5, Secrets.hash(secret));
          ps.setString(6, legacyEmail.map(e -> e.toLowerCase(Locale.ROOT)).orElse(null));
          ps.setLong(7, now);
        });
    return new IssuedToken(
        new ApiToken(id, account, name, permission, Instant.ofEpochMilli(now), legacyEmail),
        secret);
  }

  @Override
  public ApiToken ensure(AccountId account, String secret, String name, Permission permission) {
    if (accounts.find(account).isEmpty()) {
      throw new IllegalArgumentException("no account " + account);
    }
    // Several processes or nodes start with the same configured token: one insert wins, the others
    // find it. A bearer token of that secret for another account or permission is moved to the
    // configured ones.
    store.update(
        "INSERT INTO tokens(id, account_id, name, permission, secret_hash, legacy_email,"
            + " created_at_ms) VALUES(?,?,?,?,?,NULL,?)"
            + " ON CONFLICT(secret_hash) DO UPDATE"
            + " SET account_id = excluded.account_id, permission = excluded.permission"
            + " WHERE tokens.legacy_email IS NULL",
        ps -> {
          ps.setString(1, Secrets.newTokenId());
          ps.setString(2, account.value());
          ps.setString(3, name);
          ps.setString(4, CatalogRows.permission(permission));
          ps.setBytes(5, Secrets.hash(secret));
          ps.setLong(6, CatalogStore.nowMillis());
        });
    return findBearer(secret).orElseThrow();
  }

  @Override
  public List<ApiToken> list() {
    return store.queryAll(
        "SELECT " + CatalogRows.TOKEN_COLUMNS + " FROM tokens ORDER BY created_at_ms, id",
        ps -> {},
        CatalogRows::token);
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
        "SELECT "
            + CatalogRows.OPERATOR_COLUMNS
            + " FROM operator_tokens ORDER BY created_at_ms, id",
        ps -> {},
        CatalogRows::operatorToken);
  }

  @Override
  public Optional<OperatorToken> findOperator(String secret) {
    byte[] hash = Secrets.hash(secret);
    Optional<Object[]> row =
        store.queryOne(
            "SELECT "
                + CatalogRows.OPERATOR_COLUMNS
                + ", secret_hash FROM operator_tokens WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {CatalogRows.operatorToken(rs), rs.getBytes(4)});
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
            "SELECT " + CatalogRows.TOKEN_COLUMNS + " FROM tokens WHERE secret_hash = ?",
            ps -> ps.setBytes(1, hash),
            rs -> new Object[] {CatalogRows.token(rs), rs.getBytes(7)});
    return row.filter(r -> Secrets.sameHash(hash, (byte[]) r[1])).map(r -> (ApiToken) r[0]);
  }
}
