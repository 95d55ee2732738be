package dev.opend1.engine;

import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine tells the history about a database's file, so that every commit is captured
 * before it is acknowledged and no checkpoint runs ahead of the history. The engine calls it;
 * {@code history} implements it; {@code Main} wires the two (the engine never imports history).
 */
public interface CommitHook {

  /**
   * Before a database's first connection opens (at start, after its handle was closed, after a
   * failure): make the file what the history says, dropping WAL frames the history never saw.
   */
  void beforeOpen(DatabaseId id, Path dbFile) throws IOException;

  /**
   * On the writer's thread, right after a commit: capture what it changed. The future completes
   * when the capture is durable; the commit is acknowledged only then.
   */
  CompletableFuture<Void> afterCommit(DatabaseId id, Path dbFile) throws IOException;

  /** A checkpoint copied every captured frame into the database file, which is synced. */
  void afterCheckpoint(DatabaseId id) throws IOException;

  /** A database was created; its file holds its first state. */
  void created(DatabaseId id, Path dbFile) throws IOException;

  /** A database's files were removed. */
  void deleted(DatabaseId id);

  /** No history: commits are acknowledged as soon as SQLite has them. */
  CommitHook NONE =
      new CommitHook() {
        @Override
        public void beforeOpen(DatabaseId id, Path dbFile) {}

        @Override
        public CompletableFuture<Void> afterCommit(DatabaseId id, Path dbFile) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void afterCheckpoint(DatabaseId id) {}

        @Override
        public void created(DatabaseId id, Path dbFile) {}

        @Override
        public void deleted(DatabaseId id) {}
      };
}
