package dev.opend1.history;

import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The newest state of a history rebuilt by {@link RemoteRestore} in a scratch directory, as a whole
 * {@link StateImage} for the engine to write into a new database's file ({@code opend1 recover
 * --database}). The history is only read; the image reads its snapshot and records while it is
 * written, so close this after the engine is done with the image.
 */
public final class RecoveredState implements AutoCloseable {

  private final DatabaseHistory history;

  private RecoveredState(DatabaseHistory history) {
    this.history = history;
  }

  /**
   * Opens the history in {@code historyDir}, rebuilt for the database {@code databaseId} (its hash
   * chain starts from that id).
   */
  public static RecoveredState open(String databaseId, Path historyDir) throws IOException {
    // No database file goes with this history: the WAL it would read is never there.
    Path noFile = historyDir.resolveSibling("none.sqlite");
    return new RecoveredState(DatabaseHistory.open(databaseId, historyDir, noFile, Runnable::run));
  }

  /** The state at the last record, built whole from the newest snapshot at or before it. */
  public StateImage image() {
    return history.imageAt(history.lastSeq());
  }

  @Override
  public void close() throws IOException {
    history.close();
  }
}
