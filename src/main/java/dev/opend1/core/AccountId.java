package dev.opend1.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A Cloudflare-style account identifier: 32 lowercase hex characters. */
public record AccountId(String value) {

  private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{32}");

  public AccountId {
    if (value == null || !SHAPE.matcher(value).matches()) {
      throw new IllegalArgumentException("an account id is 32 lowercase hex characters");
    }
  }

  /** Parses a value that may not be an account id; the caller decides what a miss means. */
  public static java.util.Optional<AccountId> parse(String value) {
    return value != null && SHAPE.matcher(value).matches()
        ? java.util.Optional.of(new AccountId(value))
        : java.util.Optional.empty();
  }

  /** A new random account id. */
  public static AccountId random(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return new AccountId(HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}
