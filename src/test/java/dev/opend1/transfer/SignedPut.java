package dev.opend1.transfer;

import java.io.InputStream;

/**
 * A test's upload: the PUT a client sends to the signed URL from init, straight to {@link
 * Transfers}.
 */
final class SignedPut {

  private SignedPut() {}

  /**
   * Signs a PUT of {@code name} and sends {@code body} ({@code declared} bytes) to it; its ETag.
   */
  static String send(Transfers transfers, String name, long declared, InputStream body)
      throws Exception {
    String query = transfers.signedQuery("PUT", name);
    String expires = query.substring(8, query.indexOf('&'));
    String signature = query.substring(query.indexOf("signature=") + 10);
    return transfers.receive(name, expires, signature, declared, body);
  }
}
