package dev.opend1.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Token secrets: how they are made (240 random bits) and hashed (SHA-256) for storage. */
final class Secrets {

  /** Cryptographically strong; shared because SecureRandom is thread-safe. */
  static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new secret: 30 random bytes as 40 URL-safe characters, like a Cloudflare API token. */
  static String newSecret() {
    byte[] bytes = new byte[30];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A new token id: 16 random bytes as 32 lowercase hex characters. */
  static String newTokenId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * A SHA-256 digest that {@link #hash} copies: every request hashes its token, and looking the
   * algorithm up among the providers ({@code MessageDigest.getInstance}) cost more than hashing.
   */
  private static final MessageDigest SHA_256 = sha256();

  /** The SHA-256 of a secret, the only form in which secrets are stored. */
  static byte[] hash(String secret) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      digest = sha256();
    }
    return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Compares two texts in time that does not depend on where they differ (only on their length):
   * every character is compared, and the differences are summed without a branch.
   */
  static boolean sameText(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    int differ = 0;
    for (int i = 0; i < a.length(); i++) {
      differ |= a.charAt(i) ^ b.charAt(i);
    }
    return differ == 0;
  }

  /** Compares two hashes in time that does not depend on where they differ. */
  static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
