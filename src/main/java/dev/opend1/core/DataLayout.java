package dev.opend1.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Where everything lives in a data directory: the one place that names its files and folders. Every
 * package asks it for a path; none spells a name. Changing a name here changes the on-disk format
 * ({@code FORMAT}), so {@code DataLayoutTest} pins each one.
 *
 * <pre>
 * DATA_DIR/
 *   FORMAT                the layout's version stamp
 *   serve.lock            held by the running server (an operating-system file lock)
 *   catalog.sqlite        accounts, token hashes, database records (with -wal and -shm)
 *   db/UUID/db.sqlite     one SQLite database per D1 database (with -wal and -shm)
 *   db/UUID/meta.json     its record, from which the catalog can be rebuilt
 *   db/UUID/history/      its history: segments and snapshots, named by the history
 *   trash/UUID/           a database being deleted (emptied at start)
 *   tmp/                  held and streamed results, other temporary files (emptied at start)
 *   transfer/exports/     export files waiting to be downloaded (emptied at start)
 *   transfer/uploads/     import files uploaded for an ingest
 *   transfer.key          the key that signs transfer URLs
 * </pre>
 *
 * <p>Scratch files of an atomic replacement ({@code NAME.tmp} beside {@code NAME}) are named by the
 * code that writes them.
 *
 * @param root the data directory
 */
public record DataLayout(Path root) {

  /** SQLite's write-ahead log beside a database file: {@code NAME-wal}. */
  private static final String WAL_SUFFIX = "-wal";

  /** SQLite's shared-memory index beside a database file: {@code NAME-shm}. */
  private static final String SHM_SUFFIX = "-shm";

  public DataLayout {
    if (root == null) {
      throw new IllegalArgumentException("a data directory is required");
    }
  }

  /** The layout's version stamp. */
  public Path formatFile() {
    return root.resolve("FORMAT");
  }

  /** The file the running server holds its lock on. */
  public Path lockFile() {
    return root.resolve("serve.lock");
  }

  /** The catalog's SQLite file. */
  public Path catalogFile() {
    return root.resolve("catalog.sqlite");
  }

  /**
   * This node's id in a cluster, made at its first start with a shared catalog and kept, so a
   * restart is the same node (it finishes its own interrupted creates and deletes).
   */
  public Path nodeIdFile() {
    return root.resolve("node-id");
  }

  /** The analytics' SQLite file: per-minute query figures for {@code /graphql}. */
  public Path analyticsFile() {
    return root.resolve("analytics.sqlite");
  }

  /**
   * Where {@code opend1 doctor --rebuild-catalog} keeps the old catalog: {@code
   * catalog.sqlite.old-STAMP} (its WAL and shared memory beside it as {@link #withCompanions} names
   * them).
   */
  public Path oldCatalogFile(String stamp) {
    return root.resolve(catalogFile().getFileName() + ".old-" + stamp);
  }

  /** The folder that holds one directory per database ({@code db/}). */
  public Path databasesDir() {
    return root.resolve("db");
  }

  /** A database's directory. */
  public DatabaseDir database(DatabaseId id) {
    return database(id.toString());
  }

  /**
   * The directory named {@code name} under {@link #databasesDir}: a database's id, or a stray
   * directory a check came across.
   */
  public DatabaseDir database(String name) {
    return new DatabaseDir(databasesDir().resolve(name));
  }

  /** Where a database's directory is moved before its removal, so a delete is atomic. */
  public Path trashDir() {
    return root.resolve("trash");
  }

  /** A deleted database's directory in the trash. */
  public Path trashed(DatabaseId id) {
    return trashDir().resolve(id.toString());
  }

  /** Temporary files: held and streamed results above all. */
  public Path tmpDir() {
    return root.resolve("tmp");
  }

  /** Past states of databases kept for reads as of a bookmark (emptied at start). */
  public Path pastStatesDir() {
    return root.resolve("past");
  }

  /**
   * Read-only copies of databases other nodes write, one directory each, for a cluster's read
   * replicas (emptied at start).
   */
  public Path replicasDir() {
    return root.resolve("replicas");
  }

  /** Export files waiting to be downloaded from their signed URL. */
  public Path exportsDir() {
    return root.resolve("transfer").resolve("exports");
  }

  /** Import files uploaded to their signed URL. */
  public Path uploadsDir() {
    return root.resolve("transfer").resolve("uploads");
  }

  /** The key that signs transfer URLs. */
  public Path transferKeyFile() {
    return root.resolve("transfer.key");
  }

  /** SQLite's write-ahead log of {@code sqliteFile}. */
  public static Path wal(Path sqliteFile) {
    return sibling(sqliteFile, WAL_SUFFIX);
  }

  /** SQLite's shared-memory index of {@code sqliteFile}. */
  public static Path shm(Path sqliteFile) {
    return sibling(sqliteFile, SHM_SUFFIX);
  }

  /** A SQLite file and the files SQLite keeps beside it: the file, its WAL, its shared memory. */
  public static List<Path> withCompanions(Path sqliteFile) {
    return List.of(sqliteFile, wal(sqliteFile), shm(sqliteFile));
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  /**
   * One database's directory, {@code db/UUID/}.
   *
   * @param path the directory
   */
  public record DatabaseDir(Path path) {

    /** The database's SQLite file. */
    public Path sqliteFile() {
      return path.resolve("db.sqlite");
    }

    /** The database's record ({@code meta.json}), from which the catalog can be rebuilt. */
    public Path metadataFile() {
      return path.resolve("meta.json");
    }

    /** The database's history. */
    public Path historyDir() {
      return path.resolve("history");
    }

    /**
     * Present while a cluster node brings this copy up to the bucket (cluster/BucketCopies): a copy
     * whose check did not finish is checked again at its next take, whoever held it last.
     */
    public Path uncheckedMark() {
      return path.resolve("unchecked");
    }
  }
}
