package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The engine's changes to a database file outside SQLite, each while no connection is open on it:
 * making it what the history says before it opens, and replacing it with a state image. This is the
 * only code that writes, replaces, truncates or deletes a database file or its WAL; the history
 * only describes states ({@link StateImage}).
 */
final class DatabaseFile {

  private DatabaseFile() {}

  /**
   * Before a database's first connection opens: asks the history what the file must hold and makes
   * it so. The calls go one way, engine to history: the history answers with data.
   */
  static void prepare(DatabaseId id, Path file, CommitHook hook) throws IOException {
    if (hook.adopts(id)) {
      foldWal(file);
      hook.created(id, file);
    }
    Optional<StateImage> image = hook.beforeOpen(id);
    if (image.isPresent()) {
      replace(file, image.get());
      hook.applied(id, image.get());
    }
  }

  /**
   * {@link #prepare}, failing as a request sees it: a record the file's newest state needs damaged
   * in the history ({@link D1Exception.HistoryDamaged}) makes the database unavailable (noted in
   * {@code unavailable}, which logs it once, and thrown); any other failure is the open's.
   */
  static void recover(DatabaseId id, Path file, CommitHook hook, UnavailableDatabases unavailable)
      throws SQLException {
    try {
      prepare(id, file, hook);
    } catch (IOException e) {
      Optional<String> damaged =
          D1Exception.HistoryDamaged.in(e).map(D1Exception.HistoryDamaged::where);
      if (damaged.isPresent()) {
        throw unavailable.mark(
            id,
            "its history is damaged at "
                + damaged.get()
                + ", so its newest state cannot be rebuilt (opend1 doctor reports the damage)");
      }
      throw new SQLException("recover " + id + " from its history: " + e.getMessage(), e);
    }
  }

  /**
   * Makes the file hold {@code image}'s state, with no WAL: in place when the image goes over the
   * file as it is, else built beside it and renamed over it, so a crash leaves the old file or the
   * new one.
   */
  static void replace(Path file, StateImage image) throws IOException {
    Files.deleteIfExists(DataLayout.wal(file));
    Files.deleteIfExists(DataLayout.shm(file));
    if (image.inPlace()) {
      try (FileChannel out =
          FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        ImageWriter.write(image, out);
      }
      return;
    }
    Path built = file.resolveSibling(file.getFileName() + ".rebuild.tmp");
    requireSpaceFor(built, (long) image.pageCount() * image.pageSize());
    try {
      ImageWriter.writeFile(image, built);
      DurableFiles.moveAtomically(built, file);
    } finally {
      // A rebuild that failed (a full disk) must not keep the disk full with its half.
      Files.deleteIfExists(built);
    }
  }

  /**
   * Refuses to start a rebuild the disk cannot hold, before writing a byte of it: a rebuild that
   * runs into a full disk would first fill it for every other database. Half-written it is useless,
   * so it is tried again, whole, once space is back.
   */
  private static void requireSpaceFor(Path file, long bytes) throws IOException {
    DiskSpace disk = DiskSpace.of(file);
    long usable = disk.usable();
    if (usable - bytes < disk.floor()) {
      throw new IOException(
          "No space left on device: rebuilding "
              + file.getFileName()
              + " needs "
              + bytes
              + " bytes and "
              + disk.floor()
              + " to spare, "
              + usable
              + " are free");
    }
  }

  /** Copies every frame of the WAL into the file and removes the WAL. */
  private static void foldWal(Path file) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      throw new IOException("checkpoint " + file + ": " + e.getMessage(), e);
    }
    Files.deleteIfExists(DataLayout.wal(file));
  }
}
