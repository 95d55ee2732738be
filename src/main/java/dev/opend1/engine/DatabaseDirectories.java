package dev.opend1.engine;

import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Every database's directory, {@code db/<uuid>/} ({@link DataLayout}): made with an empty database
 * and its {@code meta.json}, its metadata replaced, and removed. No connection of the engine's is
 * open on a database while its directory is made or removed.
 *
 * <p>Deleting is a rename into {@code trash/} (atomic, durable) followed by removal, so a crash
 * mid-delete leaves either the whole database or nothing in {@code db/}; {@link #recover} empties
 * the trash at start.
 */
final class DatabaseDirectories {

  private final DataLayout layout;

  /** Told when a database's file is made, and when a database goes (the history). */
  private final CommitHook hook;

  DatabaseDirectories(DataLayout layout, CommitHook hook) {
    this.layout = layout;
    this.hook = hook;
  }

  /** The database's SQLite file. */
  Path file(DatabaseId id) {
    return layout.database(id).sqliteFile();
  }

  /**
   * Makes the databases' directory. What a crash left in {@code trash/} and {@code tmp/} is gone by
   * now: {@link DataDirectory#acquire} empties them before anything starts.
   */
  void recover() {
    try {
      DurableFiles.createDirectory(layout.databasesDir());
    } catch (IOException e) {
      throw new UncheckedIOException("recover data directory: " + e.getMessage(), e);
    }
  }

  /** True when the database's directory exists. */
  boolean exists(DatabaseId id) {
    return Files.isDirectory(layout.database(id).path());
  }

  /**
   * Creates a database with its metadata file: an empty one (WAL mode, with D1's {@code _cf_KV}
   * table), or one holding {@code content}'s state, written by {@link ImageWriter} (a branch: the
   * state of another database at a bookmark, which the history described). Either way the history
   * is then told the file holds the new database's first state. A leftover directory of the same id
   * (a crash during an earlier attempt) is replaced.
   */
  void create(DatabaseId id, byte[] metadata) {
    create(
        id,
        metadata,
        file -> {
          try (Connection c = open(file);
              Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute(dev.opend1.sql.SqlRules.CF_KV_DDL);
          }
        });
  }

  /** Creates a database whose file holds {@code image}, as {@link #create(DatabaseId, byte[])}. */
  void create(DatabaseId id, StateImage image, byte[] metadata) {
    create(id, metadata, file -> writeImage(image, file));
  }

  /** Writes a new database file. */
  @FunctionalInterface
  private interface FileMaker {
    void make(Path file) throws IOException, SQLException;
  }

  private void create(DatabaseId id, byte[] metadata, FileMaker maker) {
    DataLayout.DatabaseDir dir = layout.database(id);
    try {
      DurableFiles.deleteTree(dir.path());
      DurableFiles.createDirectory(dir.path());
      maker.make(dir.sqliteFile());
      DurableFiles.writeAtomically(dir.metadataFile(), metadata);
      DurableFiles.syncDirectory(dir.path());
      hook.created(id, dir.sqliteFile());
    } catch (IOException | SQLException e) {
      EngineException failed =
          new EngineException("create database " + id + ": " + e.getMessage(), e);
      try {
        // Half-made files (a full disk) must not keep the space or outlive the record.
        hook.deleted(id);
        DurableFiles.deleteTree(dir.path());
      } catch (IOException again) {
        failed.addSuppressed(again);
      }
      throw failed;
    }
  }

  /**
   * Writes a whole image into a new file. The image is another database's state, so it never goes
   * over the file in place; its header keeps that database's WAL mode, which a new database wants.
   */
  private static void writeImage(StateImage image, Path file) throws IOException {
    if (image.inPlace()) {
      throw new IOException("a new database needs a whole image, not pages over a file");
    }
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      ImageWriter.write(image, out);
      out.force(true);
    }
  }

  /** Replaces the database's metadata file. */
  void writeMetadata(DatabaseId id, byte[] metadata) {
    try {
      DurableFiles.writeAtomically(layout.database(id).metadataFile(), metadata);
    } catch (IOException e) {
      throw new EngineException("write metadata of " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Puts {@code laidDown} (a database's directory made elsewhere on the same file system: a copy
   * rebuilt from object storage) in the place of the database's directory. The old one is renamed
   * into the trash first and deleted once the new one is in place; if the new one cannot be moved
   * in, the old one is moved back. A crash between the two renames leaves no directory (the trash
   * is emptied at start): the database then has no copy here, as before it was ever here.
   */
  void replace(DatabaseId id, Path laidDown) throws IOException {
    Path dir = layout.database(id).path();
    Path trashed = layout.trashed(id);
    DurableFiles.createDirectory(layout.trashDir());
    DurableFiles.deleteTree(trashed);
    boolean hadOne = Files.exists(dir);
    if (hadOne) {
      DurableFiles.moveAtomically(dir, trashed);
    }
    try {
      DurableFiles.moveAtomically(laidDown, dir);
    } catch (IOException e) {
      if (hadOne) {
        try {
          DurableFiles.moveAtomically(trashed, dir);
        } catch (IOException back) {
          e.addSuppressed(back);
        }
      }
      throw e;
    }
    DurableFiles.deleteTree(trashed);
  }

  /** Removes the database's directory through the trash; a missing one is fine. */
  void delete(DatabaseId id) {
    Path dir = layout.database(id).path();
    try {
      if (Files.exists(dir)) {
        DurableFiles.createDirectory(layout.trashDir());
        Path trashed = layout.trashed(id);
        DurableFiles.deleteTree(trashed);
        DurableFiles.moveAtomically(dir, trashed);
        DurableFiles.deleteTree(trashed);
      }
    } catch (IOException e) {
      throw new EngineException("delete database " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Bytes of the engine's own files of every database: {@code db.sqlite}, its WAL and shared
   * memory, {@code meta.json} (the files directly in {@code db/<uuid>/}; the history keeps its own
   * below). Walks the directories: call it now and then, not per request.
   */
  long bytes() {
    return DiskUsage.overDatabases(layout.databasesDir(), dir -> DiskUsage.bytesUnder(dir, 1));
  }

  /** Bytes free for this process in the file system of the databases. */
  long freeBytes() {
    Path dbRoot = layout.databasesDir();
    try {
      return Files.getFileStore(dbRoot).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("free space of " + dbRoot + ": " + e.getMessage(), e);
    }
  }

  private static Connection open(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }
}
