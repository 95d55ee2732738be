package dev.opend1.api.fakes;

import dev.opend1.catalog.ApiToken;
import dev.opend1.catalog.IssuedToken;
import dev.opend1.catalog.OperatorToken;
import dev.opend1.catalog.Tokens;
import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Tokens} in maps keyed by their secrets, which a fake may keep in the clear. */
public final class FakeTokens implements Tokens {

  private final Map<String, ApiToken> tokens = new ConcurrentHashMap<>();
  private final Map<String, OperatorToken> operators = new ConcurrentHashMap<>();

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Override
  public IssuedToken create(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail) {
    String secret = newId();
    ApiToken token = new ApiToken(newId(), account, name, permission, Instant.now(), legacyEmail);
    tokens.put(secret, token);
    return new IssuedToken(token, secret);
  }

  @Override
  public ApiToken ensure(AccountId account, String secret, String name, Permission permission) {
    return tokens.compute(
        secret,
        (s, old) ->
            new ApiToken(
                old == null ? newId() : old.id(),
                account,
                name,
                permission,
                Instant.now(),
                Optional.empty()));
  }

  @Override
  public List<ApiToken> list() {
    return List.copyOf(tokens.values());
  }

  @Override
  public boolean revoke(String tokenId) {
    return tokens.values().removeIf(t -> t.id().equals(tokenId))
        | operators.values().removeIf(t -> t.id().equals(tokenId));
  }

  @Override
  public OperatorToken.Issued createOperator(String name) {
    String secret = newId();
    OperatorToken token = new OperatorToken(newId(), name, Instant.now());
    operators.put(secret, token);
    return new OperatorToken.Issued(token, secret);
  }

  @Override
  public List<OperatorToken> operators() {
    return List.copyOf(operators.values());
  }

  @Override
  public Optional<OperatorToken> findOperator(String secret) {
    return Optional.ofNullable(operators.get(secret));
  }

  @Override
  public Optional<ApiToken> findBearer(String secret) {
    return Optional.ofNullable(tokens.get(secret)).filter(t -> t.legacyEmail().isEmpty());
  }

  @Override
  public Optional<ApiToken> findLegacyKey(String email, String key) {
    return Optional.ofNullable(tokens.get(key))
        .filter(t -> t.legacyEmail().map(email::equalsIgnoreCase).orElse(false));
  }
}
