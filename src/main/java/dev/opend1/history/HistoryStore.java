package dev.opend1.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where one database's history lives: named objects whose names sort in history order. Segments are
 * appended to while open and never modified once sealed (a sealed segment is one object in object
 * storage); snapshots are written whole. The local directory holds it ({@link LocalHistoryStore});
 * {@link ReplicatedHistoryStore} also ships it to object storage.
 */
interface HistoryStore {

  /** Every object's name, sorted. */
  List<String> names() throws IOException;

  /** Opens an object for appending, creating it (durably) if needed. */
  FileChannel openAppend(String name) throws IOException;

  /** Opens an object for reading. */
  FileChannel openRead(String name) throws IOException;

  /**
   * An object's local file, when the store keeps it as one: only for reading or linking, never to
   * be written (snapshots are immutable). Empty by default: readers then copy from {@link
   * #openRead}.
   */
  default Optional<Path> localFile(String name) {
    return Optional.empty();
  }

  /** A local path to build an object in before {@link #put} makes it visible. */
  Path scratch(String name) throws IOException;

  /** Makes a file built at {@link #scratch} the object {@code name}, atomically and durably. */
  void put(String name, Path built) throws IOException;

  /** Cuts an open segment back to {@code size} bytes (a torn record at its end). */
  void truncate(String name, long size) throws IOException;

  /** Removes an object; a missing one is fine. */
  void delete(String name) throws IOException;

  /**
   * Makes the first {@code end} bytes of the open segment {@code name} durable: an fsync, and with
   * object storage configured also their upload ({@code sync}) or its scheduling ({@code async}).
   */
  default void sync(String name, FileChannel segment, long end) throws IOException {
    sync(segment);
  }

  /**
   * Whether {@link #sync} is the local fsync alone. Its commits are then made durable on the
   * committing thread ({@link History}): the writer waits for that fsync before its next round
   * anyway, and handing it to a sync thread cost two thread wake-ups a round (the sync thread's,
   * and the writer's when the fsync ended). A store whose sync also ships (or waits for the
   * shipping) keeps it on the history's sync threads, so the writer's next rounds run during a slow
   * upload.
   */
  default boolean syncsLocally() {
    return true;
  }

  /** Fsyncs an open segment's channel. */
  default void sync(FileChannel segment) throws IOException {
    segment.force(false);
  }

  /** Removes leftover scratch files (a crash while building). */
  void clearScratch() throws IOException;

  /** Reads a small object whole (null when missing). */
  byte[] readSmall(String name) throws IOException;

  /** Writes a small object whole, atomically and durably. */
  void writeSmall(String name, byte[] content) throws IOException;
}
