package dev.opend1.transfer;

import java.io.IOException;
import java.io.OutputStream;

/** Opens a download's response body once its length is known. */
@FunctionalInterface
public interface OutputStreamSupplier {
  OutputStream open(long length) throws IOException;
}
