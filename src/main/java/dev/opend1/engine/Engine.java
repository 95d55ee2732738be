package dev.opend1.engine;

import dev.opend1.core.DatabaseId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The engine's hub: owns every database's files under {@code DATA_DIR/db/<uuid>/} ({@code
 * db.sqlite} and the catalog's {@code meta.json}).
 *
 * <p>Deleting is a rename into {@code DATA_DIR/trash/} (atomic, durable) followed by removal, so a
 * crash mid-delete leaves either the whole database or nothing in {@code db/}; {@link #recover}
 * empties the trash at start.
 */
public final class Engine implements AutoCloseable {

  static final String DB_FILE = "db.sqlite";
  static final String META_FILE = "meta.json";

  private final Path dbRoot;
  private final Path trashRoot;

  public Engine(Path dataDir) {
    this.dbRoot = dataDir.resolve("db");
    this.trashRoot = dataDir.resolve("trash");
  }

  /** Finishes what a crash interrupted: removes half-deleted databases. */
  public void recover() {
    try {
      DurableFiles.createDirectory(dbRoot);
      DurableFiles.deleteTree(trashRoot);
    } catch (IOException e) {
      throw new UncheckedIOException("recover data directory: " + e.getMessage(), e);
    }
  }

  /** True when the database's directory exists. */
  public boolean exists(DatabaseId id) {
    return Files.isDirectory(dir(id));
  }

  /**
   * Creates an empty database (WAL mode) with its metadata file. A leftover directory of the same
   * id (a crash during an earlier attempt) is replaced.
   */
  public void createDatabase(DatabaseId id, byte[] metadata) {
    Path dir = dir(id);
    try {
      DurableFiles.deleteTree(dir);
      DurableFiles.createDirectory(dir);
      try (Connection c = open(dir.resolve(DB_FILE));
          Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
      }
      DurableFiles.writeAtomically(dir.resolve(META_FILE), metadata);
      DurableFiles.syncDirectory(dir);
    } catch (IOException | SQLException e) {
      throw new EngineException("create database " + id + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the database's metadata file. */
  public void writeMetadata(DatabaseId id, byte[] metadata) {
    try {
      DurableFiles.writeAtomically(dir(id).resolve(META_FILE), metadata);
    } catch (IOException e) {
      throw new EngineException("write metadata of " + id + ": " + e.getMessage(), e);
    }
  }

  /** Reads the database's metadata file. */
  public byte[] readMetadata(DatabaseId id) {
    try {
      return Files.readAllBytes(dir(id).resolve(META_FILE));
    } catch (IOException e) {
      throw new EngineException("read metadata of " + id + ": " + e.getMessage(), e);
    }
  }

  /** Removes a database's files; a missing database is fine. */
  public void deleteDatabase(DatabaseId id) {
    Path dir = dir(id);
    try {
      if (Files.exists(dir)) {
        DurableFiles.createDirectory(trashRoot);
        Path trashed = trashRoot.resolve(id.toString());
        DurableFiles.deleteTree(trashed);
        DurableFiles.moveAtomically(dir, trashed);
        DurableFiles.deleteTree(trashed);
      }
    } catch (IOException e) {
      throw new EngineException("delete database " + id + ": " + e.getMessage(), e);
    }
  }

  /** Ids of every database directory. */
  public java.util.List<DatabaseId> databaseIds() {
    java.util.List<DatabaseId> ids = new java.util.ArrayList<>();
    if (!Files.isDirectory(dbRoot)) {
      return ids;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dbRoot)) {
      for (Path p : ds) {
        DatabaseId.parse(p.getFileName().toString()).ifPresent(ids::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Live size and table count. */
  public DatabaseStats stats(DatabaseId id) {
    Path file = dir(id).resolve(DB_FILE);
    if (!Files.exists(file)) {
      throw new EngineException("database " + id + " has no file", null);
    }
    try (Connection c = open(file);
        Statement st = c.createStatement()) {
      long pages = single(st, "PRAGMA page_count");
      long pageSize = single(st, "PRAGMA page_size");
      long tables =
          single(
              st,
              "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                  + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                  + " AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'");
      return new DatabaseStats(pages * pageSize, (int) tables);
    } catch (SQLException e) {
      throw new EngineException("stats of " + id + ": " + e.getMessage(), e);
    }
  }

  private static long single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static Connection open(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(10_000);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }

  private Path dir(DatabaseId id) {
    return dbRoot.resolve(id.toString());
  }

  @Override
  public void close() {}
}
