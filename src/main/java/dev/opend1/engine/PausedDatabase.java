package dev.opend1.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A database paused by {@link Engine#pause}: no connection is open on its file and no request runs,
 * so its file may be replaced. Closing it lets requests go on; the file is prepared again (asking
 * the history) before the next connection opens.
 */
public final class PausedDatabase implements AutoCloseable {

  private final Path file;
  private final Runnable resume;

  /** Set once closed, so a second close does not resume twice. Used by the pausing thread only. */
  private boolean closed;

  PausedDatabase(Path file, Runnable resume) {
    this.file = file;
    this.resume = resume;
  }

  /**
   * Makes the database file hold {@code image}'s state, dropping its WAL; a crash leaves the old
   * file or the new one.
   */
  public void replaceFile(StateImage image) throws IOException {
    DatabaseFile.replace(file, image);
  }

  /** Resumes the database. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    resume.run();
  }
}
