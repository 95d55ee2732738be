package dev.opend1.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A database state as its history describes it, for the engine to write into a database file: a
 * whole base image (or the file as it is), then page writes in order, then the size. The history
 * produces it and only reads; the engine alone writes, replaces, truncates and deletes database
 * files ({@link ImageWriter}, {@link DatabaseFile}). Recovery at open and restore cross the
 * engine/history seam through this one type, and so will a replica applying history and a branch
 * made from a bookmark.
 */
public interface StateImage {

  /** Where the state is in its history (its seq): handed back to the history, never interpreted. */
  long position();

  /** Bytes per page. */
  int pageSize();

  /** The database's size in pages in this state. */
  int pageCount();

  /**
   * True when the pages go over the database file as it is (it holds an earlier state of the same
   * history); false when they go over {@link #openBase}.
   */
  boolean inPlace();

  /** Opens the whole image the pages go over; only when not {@link #inPlace}. */
  ReadableByteChannel openBase() throws IOException;

  /**
   * The base as a local file that is never modified (a history snapshot), when it is one: a past
   * state may then link it instead of copying it ({@link PastStates}). Empty when {@link #inPlace}.
   */
  default Optional<Path> baseFile() {
    return Optional.empty();
  }

  /** Opens the page writes, oldest first: a later write of a page replaces an earlier one. */
  PageReader openPages() throws IOException;

  /** Page writes, read one at a time. */
  interface PageReader extends Closeable {

    /** The next page write, or null after the last. */
    Page next() throws IOException;
  }

  /** One page's new content, numbered from 1 as SQLite numbers pages. */
  record Page(int number, byte[] bytes) {}
}
