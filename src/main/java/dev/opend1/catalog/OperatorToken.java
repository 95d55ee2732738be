package dev.opend1.catalog;

import java.time.Instant;

/**
 * A credential for operators, without its secret (only the SHA-256 is stored). It reads the
 * server's {@code /status} and runs the online {@code doctor}; it has no D1 rights on any account,
 * and no account's token can do what it does.
 *
 * @param id 32 hex characters; printed by {@code token list} and used to revoke
 * @param name a label for people
 * @param createdAt creation time
 */
public record OperatorToken(String id, String name, Instant createdAt) {

  /** A token just made, with its secret: the one moment the secret exists outside its hash. */
  public record Issued(OperatorToken token, String secret) {}
}
