package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private final TransferSpace space;
  private final Signer signer;
  private final long maxImportBytes;

  Uploads(TransferDirectory dir, TransferSpace space, Signer signer, long maxImportBytes) {
    this.dir = dir;
    this.space = space;
    this.signer = signer;
    this.maxImportBytes = maxImportBytes;
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
    long reserved = Math.max(declaredLength, 0);
    space.reserve(reserved);
    Charge charge = new Charge(space, reserved);
    try {
      // A name of its own: two PUTs of one file at once write two parts, and the last one stays.
      Path part = charge.create(dir.uploads(), name + ".", TransferDirectory.PART);
      String actual = write(body, part, charge);
      String etag = name.substring(37, 69);
      if (!actual.equals(etag)) {
        throw new D1Exception.InvalidRequest(
            "Upload does not match its etag: the MD5 of the body is "
                + actual
                + ", the etag "
                + etag);
      }
      charge.keepAs(file(name));
      return actual;
    } finally {
      charge.discard();
    }
  }

  /** Writes the body into the part, counting its bytes as they come; returns its MD5. */
  private String write(InputStream body, Path part, Charge charge) throws IOException {
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
        charge.written(total);
      }
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  /** Removes an upload once it is ingested. */
  void remove(Path upload) throws IOException {
    space.delete(upload);
  }

  /**
   * Removes complete uploads last written more than {@code lifetime} ago. Partial ones belong to
   * the upload writing them, which removes its own if it fails (and a start removes those of an
   * earlier run).
   */
  void reap(Duration lifetime, Instant now) throws IOException {
    try (var files = Files.list(dir.uploads())) {
      for (Path p : files.toList()) {
        if (!p.getFileName().toString().endsWith(TransferDirectory.PART)
            && Files.getLastModifiedTime(p).toInstant().plus(lifetime).isBefore(now)) {
          space.delete(p);
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
