package dev.opend1.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs transfer URLs (an export's download, an import's upload) with HMAC-SHA256 over the method,
 * the file name and the expiry, with a key made once per data directory. Clients send no
 * credentials to these URLs, so the signature is the credential.
 */
final class Signer {

  private final byte[] key;

  Signer(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      dev.opend1.engine.DurableFiles.writeAtomically(
          keyFile, HexFormat.of().formatHex(k).getBytes(StandardCharsets.US_ASCII));
    }
    this.key = HexFormat.of().parseHex(Files.readString(keyFile).trim());
  }

  String sign(String method, String name, long expiresEpochSeconds) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] sig =
          mac.doFinal(
              (method + "\n" + name + "\n" + expiresEpochSeconds).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /** The signed query of a URL: {@code expires=<epoch seconds>&signature=<hex>}. */
  String query(String method, String name, long expiresEpochSeconds) {
    return "expires="
        + expiresEpochSeconds
        + "&signature="
        + sign(method, name, expiresEpochSeconds);
  }

  /** True when the signature matches and has not expired. */
  boolean verify(String method, String name, String expires, String signature) {
    if (expires == null || signature == null || !expires.matches("\\d{1,12}")) {
      return false;
    }
    long at = Long.parseLong(expires);
    if (Instant.now().getEpochSecond() > at) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(method, name, at).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }
}
