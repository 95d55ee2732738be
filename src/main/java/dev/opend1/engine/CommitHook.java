package dev.opend1.engine;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine tells and asks the history about a database's file, so that every commit is
 * captured before it is acknowledged and no checkpoint runs ahead of the history. The engine calls
 * it; {@code history} implements it; {@code Main} wires the two (the engine never imports history).
 * The history answers with data ({@link StateImage}) and never touches the database file: the
 * engine alone opens, replaces, truncates and deletes it.
 */
public interface CommitHook {

  /**
   * True when the history has no record of a database whose file exists (one made before history
   * existed, or a creation cut short): before it opens, the engine folds its WAL into the file and
   * reports it {@link #created}, so its file becomes the first state.
   */
  boolean adopts(DatabaseId id) throws IOException;

  /**
   * Before a database's first connection opens (at start, after its handle was closed, after a
   * failure): the state its file must hold, or empty when the file is to be opened as it is. With
   * an image, the engine drops the WAL (frames the history never captured were never committed),
   * writes the image into the file and reports {@link #applied}.
   */
  Optional<StateImage> beforeOpen(DatabaseId id) throws IOException;

  /** The database file now holds {@code image}'s state and is synced. */
  void applied(DatabaseId id, StateImage image) throws IOException;

  /**
   * On the writer's thread, right after a commit: capture what it changed. The future completes
   * when the capture is durable, with the bookmark of the state that holds the commit (null without
   * a history); the commit is acknowledged only then, with that bookmark.
   */
  CompletableFuture<Bookmark> afterCommit(DatabaseId id, Path dbFile) throws IOException;

  /**
   * On the writer's thread, once the writer's connection closed: the WAL may be deleted now (SQLite
   * deletes it when the last connection closes) and a new file made in its place at the next open,
   * so whatever the history holds open of it is let go. {@link #beforeOpen} comes before the next
   * open either way.
   */
  default void writerClosed(DatabaseId id) {}

  /** A checkpoint copied every captured frame into the database file, which is synced. */
  void afterCheckpoint(DatabaseId id) throws IOException;

  /** A database was created; its file holds its first state. */
  void created(DatabaseId id, Path dbFile) throws IOException;

  /**
   * A database is about to be deleted, before any of its files goes: the history records the
   * deletion where it must be recorded first (object storage's deletion mark). A failure stops the
   * delete with nothing deleted.
   */
  default void deleting(DatabaseId id) throws IOException {}

  /** A database's files were removed. */
  void deleted(DatabaseId id);

  /**
   * A database was closed, and its files may be replaced before it opens again ({@code
   * Engine.reopen}): whatever the history holds open of it is forgotten, to be opened again from
   * its files at its next use. Unlike {@link #deleted}, nothing of it is marked gone.
   */
  default void reopening(DatabaseId id) {}

  /** No history: commits are acknowledged as soon as SQLite has them. */
  CommitHook NONE =
      new CommitHook() {
        @Override
        public boolean adopts(DatabaseId id) {
          return false;
        }

        @Override
        public Optional<StateImage> beforeOpen(DatabaseId id) {
          return Optional.empty();
        }

        @Override
        public void applied(DatabaseId id, StateImage image) {}

        @Override
        public CompletableFuture<Bookmark> afterCommit(DatabaseId id, Path dbFile) {
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
