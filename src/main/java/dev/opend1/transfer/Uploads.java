package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The upload step of D1's import protocol: a file is named by its database and etag (the MD5 of its
 * content), PUT to a signed URL, checked against its etag and kept until it is ingested or expires.
 */
final class Uploads {

  private final TransferDirectory dir;
  private final Signer signer;
  private final long maxImportBytes;
  private final long maxTransferBytes;

  Uploads(TransferDirectory dir, Signer signer, long maxImportBytes, long maxTransferBytes) {
    this.dir = dir;
    this.signer = signer;
    this.maxImportBytes = maxImportBytes;
    this.maxTransferBytes = maxTransferBytes;
  }

  /** The name of a database's upload with this etag: {@code <database>-<etag>.sql}. */
  static String filename(DatabaseId db, String etag) {
    return db + "-" + etag + ".sql";
  }

  /** Refuses an etag that is not an MD5 in lowercase hex. */
  static void checkEtag(String etag) {
    if (etag == null || !etag.matches("[0-9a-f]{32}")) {
      throw new D1Exception.InvalidRequest(
          "Invalid property: etag => must be the MD5 of the file as 32 lowercase hex characters");
    }
  }

  /** Where the upload of that name is kept once complete. */
  Path file(String name) {
    return dir.uploads().resolve(name);
  }

  /** Stores an upload after checking its MD5 against the etag in its name; returns the MD5. */
  String receive(
      String name, String expires, String signature, long declaredLength, InputStream body)
      throws IOException {
    if (!signer.verify("PUT", name, expires, signature)
        || !name.matches("[0-9a-f-]{36}-[0-9a-f]{32}\\.sql")) {
      throw new D1Exception.AccountNotAuthorized();
    }
    if (declaredLength > maxImportBytes) {
      throw new D1Exception.PayloadTooLarge(maxImportBytes);
    }
    if (dir.usedBytes() + Math.max(declaredLength, 0) > maxTransferBytes) {
      throw new D1Exception.InvalidRequest(
          "Transfer storage is full ("
              + maxTransferBytes
              + " bytes); try again once earlier transfers expire");
    }
    String etag = name.substring(37, 69);
    Path part = file(name + ".part");
    MessageDigest md5 = md5();
    try (InputStream in = new DigestInputStream(body, md5);
        OutputStream out = Files.newOutputStream(part)) {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > maxImportBytes) {
          throw new D1Exception.PayloadTooLarge(maxImportBytes);
        }
        out.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    String actual = HexFormat.of().formatHex(md5.digest());
    if (!actual.equals(etag)) {
      Files.deleteIfExists(part);
      throw new D1Exception.InvalidRequest(
          "Upload does not match its etag: the MD5 of the body is "
              + actual
              + ", the etag "
              + etag);
    }
    Files.move(
        part, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return actual;
  }

  /** Removes uploads (complete or partial) last written more than {@code lifetime} ago. */
  void reap(Duration lifetime, Instant now) throws IOException {
    try (var files = Files.list(dir.uploads())) {
      for (Path p : files.toList()) {
        if (Files.getLastModifiedTime(p).toInstant().plus(lifetime).isBefore(now)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
