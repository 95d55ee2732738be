package dev.opend1.transfer;

import java.io.IOException;
import java.nio.file.Path;

/** Signs transfer URLs with a data directory's own key, for tests of expired signatures. */
public final class TransferSignatures {

  private TransferSignatures() {}

  /** The signed query ({@code expires=..&signature=..}) for this method, file and expiry. */
  public static String query(Path dataDir, String method, String name, long expires)
      throws IOException {
    return new Signer(dataDir.resolve("transfer.key")).query(method, name, expires);
  }
}
