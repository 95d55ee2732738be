package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.util.List;
import java.util.Optional;

/**
 * The credentials the server accepts: accounts' API tokens (bearer tokens and legacy API keys) and
 * operator tokens, kept apart so neither can pass for the other. Only a secret's SHA-256 is stored;
 * a secret is shown once, when it is made.
 */
public interface Tokens {

  /**
   * Creates a token with a fresh random secret.
   *
   * @param legacyEmail for a legacy API key, the email it pairs with
   */
  IssuedToken create(
      AccountId account, String name, Permission permission, Optional<String> legacyEmail);

  /** Makes sure a bearer token with this exact secret exists for the account (idempotent). */
  ApiToken ensure(AccountId account, String secret, String name, Permission permission);

  /** All accounts' tokens, oldest first. */
  List<ApiToken> list();

  /** Revokes a token (an account's or an operator's) by id; false when there is no such token. */
  boolean revoke(String tokenId);

  /** Creates an operator token ({@code /status}, the online doctor) with a fresh random secret. */
  OperatorToken.Issued createOperator(String name);

  /** All operator tokens, oldest first. */
  List<OperatorToken> operators();

  /** The operator token with this secret, if any. */
  Optional<OperatorToken> findOperator(String secret);

  /** The bearer token with this secret, if any. */
  Optional<ApiToken> findBearer(String secret);

  /** The legacy API key with this email and key, if any. */
  Optional<ApiToken> findLegacyKey(String email, String key);
}
