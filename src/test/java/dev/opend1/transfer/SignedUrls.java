package dev.opend1.transfer;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A test's use of the signed URLs: the PUT a client sends to the URL from an import's init, and the
 * GET of an export's file, straight to {@link Transfers}.
 */
final class SignedUrls {

  private SignedUrls() {}

  /**
   * Signs a PUT of {@code name} and sends {@code body} ({@code declared} bytes) to it; its ETag.
   */
  static String put(Transfers transfers, String name, long declared, InputStream body)
      throws Exception {
    String query = transfers.signedQuery("PUT", name);
    return transfers.receive(name, expires(query), signature(query), declared, body);
  }

  /** Signs a GET of the export {@code name} and downloads it into {@code out}; false if refused. */
  static boolean get(Transfers transfers, String name, OutputStream out) throws Exception {
    String query = transfers.signedQuery("GET", name);
    return transfers.download(name, expires(query), signature(query), length -> out);
  }

  private static String expires(String query) {
    return query.substring(8, query.indexOf('&'));
  }

  private static String signature(String query) {
    return query.substring(query.indexOf("signature=") + 10);
  }
}
