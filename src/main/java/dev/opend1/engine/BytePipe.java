package dev.opend1.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Carries a streamed response from the thread that writes it to the thread that sends it to the
 * client, at the client's speed: what the HTTP edge needs of a {@link ResultPipe}. Closing it
 * discards what was not sent.
 */
public interface BytePipe extends Closeable {

  /** Where the writer writes. */
  OutputStream output();

  /** Sets when the writer must stop waiting for a slow reader ({@link System#nanoTime}). */
  void deadline(long nanoTime);

  /** Ends the writing: the reader sends what is queued and returns. */
  void end() throws IOException;

  /** Sends everything written, in order, until the writer ends or either side aborts. */
  void drainTo(OutputStream out) throws IOException;

  /** Stops both sides: the writer's next write and the reader's next wait fail. */
  void abort(Throwable why);

  @Override
  void close();
}
