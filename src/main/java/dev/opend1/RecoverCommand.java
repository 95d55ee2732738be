package dev.opend1;

import dev.opend1.catalog.DatabaseMetadata;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.DataDirectory;
import dev.opend1.history.BucketNames;
import dev.opend1.history.ObjectStore;
import dev.opend1.history.RemoteRestore;
import dev.opend1.objectstore.Backups;
import dev.opend1.objectstore.S3ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 recover}: rebuilds a whole data directory (catalog, every database, its history)
 * from object storage on an empty machine, optionally as of a point in time; {@code opend1 serve}
 * then starts on it. The history of each database is laid down and checked (hash chain, no missing
 * object); each database file is built by the engine from it when the database first opens.
 */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description =
        "Rebuild a data directory (catalog, every database and its history) from object storage,"
            + " optionally as of a point in time. The directory must be empty or absent. Exit 0"
            + " when everything was recovered, 1 when a database could not be, 2 when it could"
            + " not run. With --database, recover one database into the running server at --url"
            + " instead, as a new database, from the object store that server ships to.")
final class RecoverCommand implements Callable<Integer> {

  /** Downloads running at once. */
  static final int DOWNLOADS = 8;

  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir;

  @Option(
      names = "--from",
      paramLabel = "URL",
      description = "The object store the server shipped to: s3://BUCKET/PREFIX.")
  String from;

  @Option(
      names = "--database",
      paramLabel = "ID",
      description =
          "Recover only this database (its UUID), into the running server at --url, as a new"
              + " database; a deleted one too, within the retention window.")
  String database;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "With --database: the new database's name (default: <name>-recovered-<yyyyMMdd-HHmmss>).")
  String name;

  @Mixin OperatorClient server;

  @Option(
      names = "--object-store-endpoint",
      paramLabel = "URL",
      description = "The S3 API's URL for a store that is not AWS.")
  String endpoint;

  @Option(
      names = "--object-store-region",
      paramLabel = "REGION",
      defaultValue = "us-east-1",
      description = "Region requests are signed for (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--at",
      paramLabel = "TIMESTAMP",
      description =
          "Recover the state as of this instant (ISO-8601, e.g. 2026-01-31T12:00:00Z) instead of"
              + " the newest.")
  String at;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    OptionalLong atMicros = OptionalLong.empty();
    if (at != null) {
      try {
        Instant t = Instant.parse(at);
        atMicros = OptionalLong.of(t.getEpochSecond() * 1_000_000 + t.getNano() / 1000);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--at " + at + " is not an ISO-8601 instant");
      }
    }
    if (database != null) {
      if (from != null || dataDir.dataDir != null || endpoint != null) {
        throw new IllegalArgumentException(
            "--database recovers into the running server at --url from the store it ships to;"
                + " --from, --data-dir and --object-store-endpoint are for a whole data directory");
      }
      return new OneDatabaseRecovery(server, out).recover(database, at, name);
    }
    if (name != null) {
      throw new IllegalArgumentException("--name goes with --database");
    }
    if (from == null) {
      throw new IllegalArgumentException(
          "give --from s3://BUCKET/PREFIX (a whole data directory) or --database ID");
    }
    Path root = dataDir.resolve().toAbsolutePath().normalize();
    if (Files.isDirectory(root)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
        if (ds.iterator().hasNext()) {
          throw new IllegalArgumentException(
              "data directory " + root + " is not empty; recover into an empty one");
        }
      }
    }
    long start = System.nanoTime();
    long[] bytes = {0};
    int failed = 0;
    ExecutorService downloads = DaemonPools.fixed("opend1-recover", DOWNLOADS);
    try (S3ObjectStore store = Backups.store(from, Optional.ofNullable(endpoint), region);
        DataDirectory dd = DataDirectory.acquire(root)) {
      Path catalogFile = dd.layout().catalogFile();
      recoverCatalog(store, catalogFile, atMicros, out, bytes);
      Map<String, RemoteRestore.Objects> dbs = RemoteRestore.databases(store);
      Set<String> recovered = new TreeSet<>();
      int done = 0;
      for (RemoteRestore.Objects db : dbs.values()) {
        done++;
        if (db.deletedAtMicros().isPresent()
            && (atMicros.isEmpty() || db.deletedAtMicros().getAsLong() <= atMicros.getAsLong())) {
          out.printf("recover: %s was deleted; skipped%n", db.databaseId());
          continue;
        }
        if (db.logs().isEmpty()) {
          continue;
        }
        DataLayout.DatabaseDir dir = new DataLayout(root).database(db.databaseId());
        try {
          Optional<RemoteRestore.Result> r =
              RemoteRestore.layDown(store, db, dir, atMicros, n -> bytes[0] += n, downloads);
          if (r.isEmpty()) {
            continue;
          }
          recovered.add(db.databaseId());
          out.printf(
              "recover: database %s: %d records to seq %d (%s) [%d/%d, %s]%n",
              db.databaseId(),
              r.get().records(),
              r.get().lastSeq(),
              Instant.ofEpochSecond(0, r.get().lastTimeMicros() * 1000),
              done,
              dbs.size(),
              rate(bytes[0], start));
          out.flush();
        } catch (IOException | RuntimeException e) {
          failed++;
          out.printf("recover: database %s FAILED: %s%n", db.databaseId(), Main.describe(e));
        }
      }
      reconcile(catalogFile, root, recovered, out);
    } finally {
      downloads.shutdownNow();
    }
    out.printf(
        "recover: %s into %s: done%s.%n",
        rate(bytes[0], start), root, failed == 0 ? "" : ", " + failed + " database(s) FAILED");
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  /** Downloads the newest catalog copy at or before {@code atMicros}. */
  private static void recoverCatalog(
      ObjectStore store, Path catalogFile, OptionalLong atMicros, PrintWriter out, long[] bytes)
      throws IOException {
    String chosen = null;
    for (ObjectStore.Listed o : store.list("catalog/")) {
      OptionalLong t = BucketNames.catalogTime(o.name());
      if (t.isPresent() && (atMicros.isEmpty() || t.getAsLong() <= atMicros.getAsLong())) {
        chosen = o.name();
      }
    }
    if (chosen == null) {
      out.println(
          "recover: no catalog copy in the bucket"
              + (atMicros.isPresent() ? " at that time" : "")
              + "; databases are recovered from their metadata, API tokens are not (a server"
              + " whose catalog is in PostgreSQL copies none: restore PostgreSQL with its own"
              + " tools and serve this directory with the same --catalog)");
      return;
    }
    bytes[0] += store.download(chosen, catalogFile);
    out.println("recover: catalog from " + chosen);
  }

  /**
   * Makes the catalog agree with the databases recovered: a recovered database it lacks is added
   * from its metadata (a database made after the catalog copy); a record with no recovered database
   * (made after the point in time, or lost) is removed.
   */
  private static void reconcile(Path catalogFile, Path root, Set<String> recovered, PrintWriter out)
      throws IOException {
    Set<String> inCatalog = new TreeSet<>();
    Set<String> creating = new TreeSet<>();
    if (Files.exists(catalogFile)) {
      for (SqliteCatalog.StoredDatabase d : SqliteCatalog.inspect(catalogFile)) {
        inCatalog.add(d.record().id().toString());
        if (d.state().equals("creating")) {
          creating.add(d.record().id().toString());
        }
      }
    }
    try (SqliteCatalog c = SqliteCatalog.open(catalogFile)) {
      // A copy taken while a database was being made: its history is there, so it was made.
      for (String id : creating) {
        if (recovered.contains(id)) {
          c.databases().activate(new dev.opend1.core.DatabaseId(java.util.UUID.fromString(id)));
        }
      }
      for (String id : inCatalog) {
        if (!recovered.contains(id)) {
          c.databases().remove(new dev.opend1.core.DatabaseId(java.util.UUID.fromString(id)));
          out.println("recover: database " + id + " is in the catalog copy but not recovered");
        }
      }
      for (String id : recovered) {
        if (inCatalog.contains(id)) {
          continue;
        }
        Path meta = new DataLayout(root).database(id).metadataFile();
        if (!Files.exists(meta)) {
          out.println("recover: database " + id + " has no metadata; it is not in the catalog");
          continue;
        }
        DatabaseRecord r = DatabaseMetadata.fromJson(Files.readAllBytes(meta));
        c.restoreDatabase(r);
        out.println("recover: database " + id + " (" + r.name() + ") added from its metadata");
      }
    }
  }

  private static String rate(long bytes, long startNanos) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    return "%.1f MB in %.1f s, %.1f MB/s".formatted(bytes / 1e6, seconds, bytes / 1e6 / seconds);
  }
}
