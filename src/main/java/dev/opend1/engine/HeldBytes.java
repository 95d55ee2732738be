package dev.opend1.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response held until it may be sent (a write request's results wait for its commit): what the
 * HTTP edge needs of a {@link SpillBuffer}. Closing it discards what it holds.
 */
public interface HeldBytes extends Closeable {

  /** Where the held bytes are written; flushing it makes a full disk fail the write now. */
  OutputStream output();

  /** Bytes held. */
  long size();

  /** Copies everything held to {@code out}. */
  void copyTo(OutputStream out) throws IOException;

  /** Forgets what was written, so writing can start over. */
  void clear() throws IOException;
}
