package dev.opend1;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.catalog.DatabaseMetadata;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.catalog.SqliteCatalog.StoredDatabase;
import dev.opend1.core.DataLayout;
import dev.opend1.engine.DataDirectory;
import dev.opend1.engine.IntegrityCheck;
import dev.opend1.history.HistoryCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 doctor}: checks a data directory while no server runs, changing nothing: the
 * catalog against the database directories, every database's {@code PRAGMA integrity_check}, and
 * every history's continuity. One line per problem, then a summary; exit 0 when healthy, 1 when
 * problems were found, 2 when it could not check (a server holds the directory, say).
 *
 * <p>With {@code --rebuild-catalog} it first rebuilds the catalog from the {@code meta.json} files
 * beside the databases, keeping the old catalog file aside.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check a data directory (no server may be running on it): catalog, databases, history."
            + " Or, with --url and --database, one database on a running server. Exit 0 when"
            + " healthy, 1 when problems were found, 2 when it could not check.")
final class DoctorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir;

  @Mixin CatalogOption catalogOption;

  @Option(
      names = "--rebuild-catalog",
      description =
          "Rebuild the catalog (accounts and databases) from the databases' meta.json files,"
              + " keeping the old catalog as catalog.sqlite.old-TIME. API tokens cannot be"
              + " recovered.")
  boolean rebuildCatalog;

  @Option(
      names = "--database",
      paramLabel = "ID",
      description =
          "Check this one database (its id) on the running server at --url, without stopping it,"
              + " instead of a data directory.")
  String database;

  @Mixin OperatorClient server;

  @Option(
      names = "--object-store",
      paramLabel = "URL",
      description =
          "Check object storage (s3://BUCKET/PREFIX) instead of a data directory: every log"
              + " object's records and hash chain, no record missing, snapshots, a catalog copy.")
  String objectStore;

  @Option(
      names = "--object-store-endpoint",
      paramLabel = "URL",
      description = "With --object-store: the S3 API's URL for a store that is not AWS.")
  String objectStoreEndpoint;

  @Option(
      names = "--object-store-region",
      paramLabel = "REGION",
      defaultValue = "us-east-1",
      description = "With --object-store: the region requests are signed for.")
  String objectStoreRegion;

  @Override
  public Integer call() throws Exception {
    if (database != null) {
      return checkOnline(server, database, spec.commandLine().getOut());
    }
    if (objectStore != null) {
      try (var store =
          dev.opend1.objectstore.Backups.store(
              objectStore, java.util.Optional.ofNullable(objectStoreEndpoint), objectStoreRegion)) {
        return report(dev.opend1.history.RemoteCheck.check(store), spec.commandLine().getOut());
      }
    }
    if (catalogOption.resolve().isPresent()) {
      // The offline check compares the catalog file with the directories; a PostgreSQL catalog
      // is shared by nodes and has no such file.
      spec.commandLine()
          .getErr()
          .println(
              "opend1: doctor checks a data directory with its own catalog file; with a catalog"
                  + " in PostgreSQL (--catalog, OPEND1_CATALOG) check a database on its server"
                  + " instead: doctor --url URL --database ID");
      return Main.CANNOT_RUN;
    }
    Path root = dataDir.resolve().toAbsolutePath().normalize();
    PrintWriter out = spec.commandLine().getOut();
    // Held throughout, so no server starts on the directory while it is checked or rebuilt. A
    // directory it cannot check fails the command with one line (Main's handler), status 2.
    AutoCloseable lock = DataDirectory.lockOffline(root);
    try {
      if (rebuildCatalog) {
        rebuild(root, out);
      }
      return check(root, out) ? 0 : 1;
    } finally {
      lock.close();
    }
  }

  /** Prints an object-store check: one line per problem, then a summary; 0 when healthy. */
  private static int report(dev.opend1.history.RemoteCheck.Result r, PrintWriter out) {
    r.notes().forEach(n -> out.println("note: " + n));
    r.problems().forEach(p -> out.println("problem: " + p));
    out.println(
        (r.problems().isEmpty() ? "healthy: " : r.problems().size() + " problem(s): ")
            + r.databases()
            + " database(s), "
            + r.records()
            + " history record(s), "
            + r.bytes()
            + " bytes read from object storage");
    out.flush();
    return r.problems().isEmpty() ? 0 : 1;
  }

  /**
   * Asks a running server to check one database ({@code GET /status/databases/ID}) and prints its
   * findings as the offline check does: 0 when healthy, 1 when problems were found.
   */
  static int checkOnline(OperatorClient server, String database, PrintWriter out)
      throws IOException, InterruptedException {
    JsonNode r = server.get("/status/databases/" + database);
    r.path("notes").forEach(n -> out.println("note: " + n.asText()));
    r.path("problems").forEach(p -> out.println("problem: " + p.asText()));
    int problems = r.path("problems").size();
    out.println(
        (problems == 0 ? "healthy: " : problems + " problem(s): ")
            + "database "
            + r.path("database").asText()
            + " checked online, "
            + r.path("history_records").asLong()
            + " history record(s), at "
            + server.url);
    out.flush();
    return problems == 0 ? 0 : 1;
  }

  /** Checks everything; prints one line per problem and a summary; true when healthy. */
  static boolean check(Path root, PrintWriter out) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, StoredDatabase> records = new TreeMap<>();
    DataLayout layout = new DataLayout(root);
    Path catalogFile = layout.catalogFile();
    boolean catalogOk = false;
    if (!Files.exists(catalogFile)) {
      problems.add("catalog " + catalogFile + " is missing (run doctor --rebuild-catalog)");
    } else {
      try {
        for (StoredDatabase d : SqliteCatalog.inspect(catalogFile)) {
          records.put(d.record().id().toString(), d);
        }
        catalogOk = true;
      } catch (RuntimeException e) {
        problems.add(e.getMessage() + " (run doctor --rebuild-catalog)");
      }
    }
    TreeSet<String> dirs = databaseDirectories(layout, problems);
    if (catalogOk) {
      for (StoredDatabase d : records.values()) {
        String id = d.record().id().toString();
        if (d.state().equals("ready") && !dirs.contains(id)) {
          problems.add(
              "database " + id + " (" + d.record().name() + ") is in the catalog but has no files");
        } else if (!d.state().equals("ready")) {
          notes.add(
              "database " + id + " is " + d.state() + "; the server finishes that at its start");
        }
      }
      for (String id : dirs) {
        if (!records.containsKey(id)) {
          Path dir = root.relativize(layout.database(id).path());
          problems.add("directory " + dir + " has no catalog record");
        }
      }
    }
    long historyRecords = 0;
    for (String id : dirs) {
      DataLayout.DatabaseDir dir = layout.database(id);
      Path dbFile = dir.sqliteFile();
      if (!Files.exists(dbFile)) {
        problems.add("database " + id + ": " + dbFile.getFileName() + " is missing");
      } else {
        for (String p : IntegrityCheck.problems(dbFile)) {
          problems.add("database " + id + ": integrity_check: " + p);
        }
      }
      HistoryCheck.Result h = HistoryCheck.check(id, dir.historyDir());
      historyRecords += h.records();
      h.problems().forEach(p -> problems.add("database " + id + ": " + p));
      h.notes().forEach(n -> notes.add("database " + id + ": " + n));
    }
    notes.forEach(n -> out.println("note: " + n));
    problems.forEach(p -> out.println("problem: " + p));
    out.println(
        (problems.isEmpty() ? "healthy: " : problems.size() + " problem(s): ")
            + dirs.size()
            + " database(s), "
            + records.size()
            + " catalog record(s), "
            + historyRecords
            + " history record(s) checked in "
            + root);
    out.flush();
    return problems.isEmpty();
  }

  /** The names of the directories under {@code db/} (database ids, or strays). */
  private static TreeSet<String> databaseDirectories(DataLayout layout, List<String> problems) {
    TreeSet<String> dirs = new TreeSet<>();
    Path db = layout.databasesDir();
    if (!Files.isDirectory(db)) {
      return dirs;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(db)) {
      for (Path p : ds) {
        if (Files.isDirectory(p)) {
          dirs.add(p.getFileName().toString());
        } else {
          problems.add("unexpected file " + layout.root().relativize(p));
        }
      }
    } catch (IOException e) {
      problems.add("cannot list " + db + ": " + e.getMessage());
    }
    return dirs;
  }

  /**
   * Rebuilds the catalog from every {@code db/<id>/meta.json}: moves the old file (and its WAL)
   * aside, creates a new one and adds each account and database. Tokens are not in the metadata.
   */
  static void rebuild(Path root, PrintWriter out) throws IOException {
    List<DatabaseRecord> found = new ArrayList<>();
    DataLayout layout = new DataLayout(root);
    Path db = layout.databasesDir();
    if (Files.isDirectory(db)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(db)) {
        for (Path dir : ds) {
          Path meta = new DataLayout.DatabaseDir(dir).metadataFile();
          Path where = root.relativize(dir);
          if (!Files.exists(meta)) {
            out.println("rebuild: skipped " + where + ": no " + meta.getFileName());
            continue;
          }
          try {
            found.add(DatabaseMetadata.fromJson(Files.readAllBytes(meta)));
          } catch (RuntimeException e) {
            out.println("rebuild: skipped " + where + ": " + e.getMessage());
          }
        }
      }
    }
    Path catalog = layout.catalogFile();
    Path aside = layout.oldCatalogFile(Instant.now().toString().replace(":", ""));
    List<Path> files = DataLayout.withCompanions(catalog);
    List<Path> asides = DataLayout.withCompanions(aside);
    for (int i = 0; i < files.size(); i++) {
      if (Files.exists(files.get(i))) {
        Files.move(files.get(i), asides.get(i));
      }
    }
    if (Files.exists(aside)) {
      out.println("rebuild: kept the old catalog as " + aside);
    }
    try (SqliteCatalog c = SqliteCatalog.open(catalog)) {
      for (DatabaseRecord r : found) {
        c.restoreDatabase(r);
      }
    }
    long accounts = found.stream().map(DatabaseRecord::account).distinct().count();
    out.println(
        "rebuild: catalog rebuilt with "
            + found.size()
            + " database(s) in "
            + accounts
            + " account(s).");
    out.println(
        "rebuild: API tokens cannot be recovered from metadata; create a new one with"
            + " `opend1 token create --account ID`.");
    out.flush();
  }
}
