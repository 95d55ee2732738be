package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DiskSpace;
import dev.opend1.engine.DurableFiles;
import dev.opend1.engine.Engine;
import dev.opend1.engine.SqlErrors;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * D1's export and import protocols: jobs that run in the background and are polled. Exports dump a
 * consistent snapshot to a file served at a signed URL for an hour; imports take a file uploaded to
 * a signed URL (checked against its MD5) and run it as one transaction on the writer.
 */
public final class Transfers implements AutoCloseable {

  /** Export and import totals for operators. */
  private final TransferCounters counters = new TransferCounters();

  private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

  /**
   * The lifetimes of transfers; D1's (and the issue's) values in {@link #STANDARD}.
   *
   * @param urlLifetime a signed URL, and a finished export's file
   * @param abandoned a running export nobody polls for this long is cancelled
   * @param uploadLifetime an upload that is not ingested is removed after this long
   * @param outcomeLifetime a finished import's outcome is reported for this long
   * @param reapEvery how often expired jobs and files are looked for
   */
  record Timing(
      Duration urlLifetime,
      Duration abandoned,
      Duration uploadLifetime,
      Duration outcomeLifetime,
      Duration reapEvery) {}

  static final Timing STANDARD =
      new Timing(
          Duration.ofHours(1),
          Duration.ofSeconds(60),
          Duration.ofHours(24),
          Duration.ofMinutes(10),
          Duration.ofSeconds(5));

  private final Timing timing;

  /** Where export files are written. */
  private final ExportFiles exportFiles;

  /** Longest statement in an import (a 2 MB BLOB is a 4 MB hex literal). */
  static final int IMPORT_STATEMENT_CHARS = 10_000_000;

  private final Engine engine;

  /** Export files waiting to be downloaded; emptied at start. */
  private final Path exportsDir;

  /** Import files uploaded for an ingest. */
  private final Path uploadsDir;

  private final Signer signer;
  private final long maxImportBytes;
  private final long maxTransferBytes;
  private final ExecutorService jobs;
  private final ScheduledExecutorService reaper;

  /** Export jobs by (database, at_bookmark). */
  private final Map<String, ExportJob> exports = new ConcurrentHashMap<>();

  /** Import jobs by (database, etag). */
  private final Map<String, ImportJob> imports = new ConcurrentHashMap<>();

  private final Duration importTimeout;

  public Transfers(
      Engine engine,
      Path dataDir,
      long maxImportBytes,
      long maxTransferBytes,
      Duration importTimeout)
      throws IOException {
    this(engine, dataDir, maxImportBytes, maxTransferBytes, importTimeout, STANDARD);
  }

  Transfers(
      Engine engine,
      Path dataDir,
      long maxImportBytes,
      long maxTransferBytes,
      Duration importTimeout,
      Timing timing)
      throws IOException {
    this(
        engine,
        dataDir,
        maxImportBytes,
        maxTransferBytes,
        importTimeout,
        timing,
        ExportFiles.LOCAL);
  }

  Transfers(
      Engine engine,
      Path dataDir,
      long maxImportBytes,
      long maxTransferBytes,
      Duration importTimeout,
      Timing timing,
      ExportFiles exportFiles)
      throws IOException {
    this.exportFiles = exportFiles;
    this.timing = timing;
    this.importTimeout = importTimeout;
    this.engine = engine;
    DataLayout layout = new DataLayout(dataDir);
    this.exportsDir = layout.exportsDir();
    this.uploadsDir = layout.uploadsDir();
    this.maxImportBytes = maxImportBytes;
    this.maxTransferBytes = maxTransferBytes;
    DurableFiles.deleteTree(exportsDir);
    Files.createDirectories(exportsDir);
    Files.createDirectories(uploadsDir);
    this.signer = new Signer(layout.transferKeyFile());
    this.jobs = Executors.newCachedThreadPool(r -> daemon(r, "opend1-transfer"));
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "opend1-transfer-reaper"));
    long every = timing.reapEvery().toMillis();
    reaper.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // --- export -----------------------------------------------------------------------------------

  /** An export job's state as the protocol reports it. */
  public record Progress(
      String status,
      String atBookmark,
      List<String> messages,
      String error,
      String filename,
      String signedName) {}

  final class ExportJob {
    final DatabaseId db;
    final DumpOptions options;
    volatile String atBookmark;
    volatile String status = "active";
    volatile String error;
    volatile Path file;
    volatile Instant lastPoll = Instant.now();
    volatile Instant finished;
    volatile boolean cancelled;
    final List<String> messages = new ArrayList<>();
    final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    ExportJob(DatabaseId db, DumpOptions options) {
      this.db = db;
      this.options = options;
    }

    synchronized void say(String m) {
      messages.add(m);
    }

    synchronized List<String> drain() {
      List<String> out = List.copyOf(messages);
      messages.clear();
      return out;
    }
  }

  /** Jobs started, finished and failed since start, for the metrics endpoint. */
  public TransferCounters counters() {
    return counters;
  }

  /**
   * Starts an export, joins a running one with the same options, or (with {@code currentBookmark})
   * polls the one at that bookmark; holds the answer up to a second while the job runs.
   *
   * @param bookmarkNow gives the current bookmark at the dump's snapshot
   */
  public Progress export(
      DatabaseId db,
      DumpOptions options,
      Optional<String> currentBookmark,
      Supplier<String> bookmarkNow) {
    ExportJob job;
    if (currentBookmark.isPresent()) {
      job = exports.get(exportKey(db, currentBookmark.get(), options));
      if (job == null) {
        // A client that does not re-send its dump_options when it polls.
        job =
            exports.values().stream()
                .filter(j -> j.db.equals(db) && currentBookmark.get().equals(j.atBookmark))
                .findFirst()
                .orElse(null);
      }
      if (job == null) {
        throw new D1Exception.InvalidRequest(
            "No export of this database at bookmark "
                + currentBookmark.get()
                + "; start one without current_bookmark");
      }
    } else {
      job =
          exports.values().stream()
              .filter(
                  j -> j.db.equals(db) && j.options.equals(options) && j.status.equals("active"))
              .findFirst()
              .or(() -> finished(db, options, bookmarkNow.get()))
              .orElseGet(() -> startExport(db, options, bookmarkNow));
    }
    job.lastPoll = Instant.now();
    try {
      job.done.await(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Progress(
        job.status,
        job.atBookmark,
        job.drain(),
        job.error,
        job.file == null ? null : job.file.getFileName().toString(),
        null);
  }

  /**
   * A finished export of the database as it is now, with the same options, whose file is still
   * there: asking again answers from it rather than writing the same dump under a new name.
   */
  private Optional<ExportJob> finished(DatabaseId db, DumpOptions options, String bookmark) {
    ExportJob j = exports.get(exportKey(db, bookmark, options));
    return j != null && j.status.equals("complete") && j.file != null && Files.exists(j.file)
        ? Optional.of(j)
        : Optional.empty();
  }

  /** Jobs are known by database, bookmark and options: two exports at one bookmark may differ. */
  private static String exportKey(DatabaseId db, String bookmark, DumpOptions options) {
    return db + "/" + bookmark + "/" + options;
  }

  private ExportJob startExport(DatabaseId db, DumpOptions options, Supplier<String> bookmarkNow) {
    ExportJob job = new ExportJob(db, options);
    counters.exportsStarted.increment();
    jobs.execute(
        () -> {
          Path file = null;
          try {
            Path tmp = Files.createTempFile(exportsDir, "export-", ".part");
            file = tmp;
            try (BufferedWriter out =
                new BufferedWriter(
                    new java.io.OutputStreamWriter(
                        exportFiles.create(tmp), StandardCharsets.UTF_8.newEncoder()))) {
              engine.snapshotRead(
                  db,
                  () -> {
                    job.atBookmark = bookmarkNow.get();
                    exports.put(exportKey(db, job.atBookmark, options), job);
                    job.say("Generating " + db + "-" + job.atBookmark + ".sql");
                    job.started.countDown();
                  },
                  c -> SqlDump.write(c, job.options, out, () -> job.cancelled));
            }
            Path done =
                exportsDir.resolve(db + "-" + job.atBookmark + "-" + System.nanoTime() + ".sql");
            Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
            job.file = done;
            job.say("Finished generating " + done.getFileName());
            job.status = "complete";
            counters.exportsFinished.increment();
          } catch (Exception e) {
            job.error =
                e instanceof D1Exception d ? d.getMessage() : "Export failed: " + e.getMessage();
            if (String.valueOf(e.getMessage()).contains("being restored")) {
              job.error = "Export failed: the database was restored while it was being exported";
            }
            job.status = "error";
            counters.exportsFailed.increment();
            if (file != null) {
              try {
                Files.deleteIfExists(file);
              } catch (IOException ignored) {
                // removed by the reaper or the next start
              }
            }
          } finally {
            job.finished = Instant.now();
            job.started.countDown();
            job.done.countDown();
          }
        });
    try {
      job.started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (job.atBookmark != null) {
      exports.putIfAbsent(exportKey(db, job.atBookmark, options), job);
    }
    return job;
  }

  /** The signed query for downloading an export's file: {@code expires=..&signature=..}. */
  public String signedQuery(String method, String name) {
    long expires = Instant.now().plus(timing.urlLifetime()).getEpochSecond();
    return "expires=" + expires + "&signature=" + signer.sign(method, name, expires);
  }

  /** Streams an export's file when the signature is good; false when it is not (403). */
  public boolean download(String name, String expires, String signature, OutputStreamSupplier out)
      throws IOException {
    if (!signer.verify("GET", name, expires, signature)
        || name.contains("/")
        || name.contains("..")) {
      return false;
    }
    Path file = exportsDir.resolve(name);
    if (!Files.exists(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file);
        OutputStream o = out.open(Files.size(file))) {
      in.transferTo(o);
    }
    return true;
  }

  /** Opens the response body once its length is known. */
  @FunctionalInterface
  public interface OutputStreamSupplier {
    OutputStream open(long length) throws IOException;
  }

  // --- import -----------------------------------------------------------------------------------

  /** An import's state: what the protocol reports. */
  public record ImportState(
      String status,
      String atBookmark,
      List<String> messages,
      String error,
      String filename,
      boolean needsUpload,
      long numQueries,
      String finalBookmark,
      double durationMs,
      long changes,
      long sizeAfter) {}

  final class ImportJob {
    final DatabaseId db;
    final String etag;
    volatile String status = "pending";
    volatile String atBookmark;
    volatile String error;
    volatile long numQueries;
    volatile String finalBookmark;
    volatile double durationMs;
    volatile long changes;
    volatile long sizeAfter;
    volatile Instant finished;
    final List<String> messages = new ArrayList<>();
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    ImportJob(DatabaseId db, String etag) {
      this.db = db;
      this.etag = etag;
    }

    synchronized void say(String m) {
      messages.add(m);
    }

    synchronized List<String> drain() {
      List<String> out = List.copyOf(messages);
      messages.clear();
      return out;
    }

    /** Statements run and bytes read so far, for progress messages. */
    volatile long statementsDone;

    volatile long bytesRead;

    ImportState state(boolean wait) {
      if (wait) {
        try {
          done.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (finished == null) {
        say(statementsDone + " statements executed, " + bytesRead + " bytes read");
      }
      return new ImportState(
          status,
          atBookmark,
          drain(),
          error,
          filename(db, etag),
          false,
          numQueries,
          finalBookmark,
          durationMs,
          changes,
          sizeAfter);
    }
  }

  static String filename(DatabaseId db, String etag) {
    return db + "-" + etag + ".sql";
  }

  private Path upload(String name) {
    return uploadsDir.resolve(name);
  }

  /** {@code action: init}: the upload's name, or an ingest started at once when it is uploaded. */
  public ImportState init(DatabaseId db, String etag, Supplier<String> bookmarkNow) {
    checkEtag(etag);
    String name = filename(db, etag);
    if (Files.exists(upload(name))) {
      return ingest(db, etag, name, bookmarkNow);
    }
    return new ImportState("pending", null, List.of(), null, name, true, 0, null, 0, 0, 0);
  }

  /** Stores an upload after checking its MD5 against the etag in its name. */
  public String receive(
      String name, String expires, String signature, long declaredLength, InputStream body)
      throws IOException {
    if (!signer.verify("PUT", name, expires, signature)
        || !name.matches("[0-9a-f-]{36}-[0-9a-f]{32}\\.sql")) {
      throw new D1Exception.AccountNotAuthorized();
    }
    if (declaredLength > maxImportBytes) {
      throw new D1Exception.PayloadTooLarge(maxImportBytes);
    }
    if (transferBytes() + Math.max(declaredLength, 0) > maxTransferBytes) {
      throw new D1Exception.InvalidRequest(
          "Transfer storage is full ("
              + maxTransferBytes
              + " bytes); try again once earlier transfers expire");
    }
    String etag = name.substring(37, 69);
    Path part = upload(name + ".part");
    MessageDigest md5 = md5();
    long total;
    try (InputStream in = new DigestInputStream(body, md5);
        OutputStream out = Files.newOutputStream(part)) {
      byte[] buf = new byte[64 * 1024];
      total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > maxImportBytes) {
          throw new D1Exception.PayloadTooLarge(maxImportBytes);
        }
        out.write(buf, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    String actual = HexFormat.of().formatHex(md5.digest());
    if (!actual.equals(etag)) {
      Files.deleteIfExists(part);
      throw new D1Exception.InvalidRequest(
          "Upload does not match its etag: the MD5 of the body is "
              + actual
              + ", the etag "
              + etag);
    }
    Files.move(
        part, upload(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return actual;
  }

  /** {@code action: ingest}: runs an uploaded file as one transaction. */
  public ImportState ingest(
      DatabaseId db, String etag, String filename, Supplier<String> bookmarkNow) {
    checkEtag(etag);
    if (!filename.equals(filename(db, etag))) {
      throw new D1Exception.InvalidRequest(
          "Invalid filename '"
              + filename
              + "': use the filename init returned, "
              + filename(db, etag));
    }
    Path file = upload(filename);
    if (!Files.exists(file)) {
      throw new D1Exception.InvalidRequest(
          "Nothing was uploaded for etag "
              + etag
              + "; PUT the file to the upload_url from init first");
    }
    String key = db + "/" + etag;
    ImportJob running = imports.get(key);
    if (running != null && running.finished == null) {
      return running.state(true);
    }
    ImportJob job = new ImportJob(db, etag);
    job.status = "active";
    job.atBookmark = bookmarkNow.get();
    job.say("Starting import of " + filename);
    imports.put(key, job);
    counters.importsStarted.increment();
    jobs.execute(() -> runImport(job, file, bookmarkNow));
    return job.state(true);
  }

  private void runImport(ImportJob job, Path file, Supplier<String> bookmarkNow) {
    long start = System.nanoTime();
    try {
      long[] figures =
          engine.importTransaction(
              job.db,
              IMPORT_STATEMENT_CHARS,
              importTimeout,
              c -> {
                long before = c.totalChanges();
                java.io.InputStream counted =
                    new java.io.FilterInputStream(Files.newInputStream(file)) {
                      @Override
                      public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                          job.bytesRead += n;
                        }
                        return n;
                      }
                    };
                try (BufferedReader r =
                    new BufferedReader(
                        new java.io.InputStreamReader(counted, StandardCharsets.UTF_8), 1 << 16)) {
                  StatementStream statements = new StatementStream(r, IMPORT_STATEMENT_CHARS);
                  long executed = 0;
                  for (SqlStatement s; (s = statements.next()) != null; ) {
                    try {
                      if (!c.run(s)) {
                        continue;
                      }
                    } catch (D1Exception.SqlFailed e) {
                      throw new ImportFailed(statements.count(), e.getMessage());
                    } catch (java.sql.SQLException e) {
                      throw new ImportFailed(statements.count(), sqliteMessage(e), e);
                    }
                    executed++;
                    job.statementsDone = executed;
                  }
                  return new long[] {executed, c.totalChanges() - before, c.sizeBytes()};
                }
              });
      job.numQueries = figures[0];
      job.changes = figures[1];
      job.sizeAfter = figures[2];
      job.durationMs = (System.nanoTime() - start) / 1e6;
      job.finalBookmark = bookmarkNow.get();
      job.say("Import finished: " + figures[0] + " statements");
      job.status = "complete";
      counters.importsFinished.increment();
      Files.deleteIfExists(file);
    } catch (Exception e) {
      Throwable cause = e;
      while (!(cause instanceof ImportFailed) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      job.error =
          cause instanceof ImportFailed f
              ? f.getMessage()
              : e instanceof D1Exception d ? d.getMessage() : "Import failed: " + e.getMessage();
      // SQLite's "full" from a statement is the disk's only when the disk is low (it is the
      // database's size limit otherwise); the history's and the file system's are the disk's.
      if (D1Exception.DiskFull.causedBy(e)
          && (!(cause instanceof ImportFailed) || DiskSpace.of(uploadsDir).isLow())) {
        job.error = new D1Exception.DiskFull("the import was not applied").getMessage();
      }
      job.status = "error";
      counters.importsFailed.increment();
      LOG.info("import into {} failed: {}", job.db, job.error);
    } finally {
      job.finished = Instant.now();
      job.done.countDown();
    }
  }

  /** An import statement failed: its number and what went wrong. */
  static final class ImportFailed extends Exception {
    ImportFailed(long number, String message) {
      super("Statement " + number + " failed: " + message);
    }

    ImportFailed(long number, String message, Throwable cause) {
      super("Statement " + number + " failed: " + message, cause);
    }
  }

  private static String sqliteMessage(java.sql.SQLException e) {
    if (SqlErrors.isInterrupt(e)) {
      return "the import ran past its time limit (import-timeout-seconds) and nothing was applied:"
          + " SQLITE_INTERRUPT";
    }
    return SqlErrors.describe(e);
  }

  /**
   * {@code action: poll}: the job at that bookmark, or the one that finished last for the database.
   */
  public Optional<ImportState> poll(DatabaseId db, String currentBookmark) {
    Optional<ImportJob> job =
        imports.values().stream()
            .filter(j -> j.db.equals(db) && (currentBookmark.equals(j.atBookmark)))
            .findFirst()
            .or(
                () ->
                    imports.values().stream()
                        .filter(
                            j ->
                                j.db.equals(db)
                                    && (j.finished == null
                                        || j.finished.isAfter(
                                            Instant.now().minus(timing.outcomeLifetime()))))
                        .findFirst());
    return job.map(j -> j.state(true));
  }

  // --- housekeeping
  // -------------------------------------------------------------------------------

  private void reap() {
    try {
      Instant now = Instant.now();
      for (Map.Entry<String, ExportJob> e : exports.entrySet()) {
        ExportJob j = e.getValue();
        if (j.status.equals("active") && j.lastPoll.plus(timing.abandoned()).isBefore(now)) {
          j.cancelled = true;
        }
        if (j.finished != null && j.finished.plus(timing.urlLifetime()).isBefore(now)) {
          exports.remove(e.getKey());
          if (j.file != null) {
            Files.deleteIfExists(j.file);
          }
        }
      }
      imports
          .entrySet()
          .removeIf(
              e ->
                  e.getValue().finished != null
                      && e.getValue().finished.plus(timing.outcomeLifetime()).isBefore(now));
      try (var files = Files.list(uploadsDir)) {
        for (Path p : files.toList()) {
          if (Files.getLastModifiedTime(p)
              .toInstant()
              .plus(timing.uploadLifetime())
              .isBefore(now)) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("transfer housekeeping: {}", e.getMessage());
    }
  }

  private long transferBytes() throws IOException {
    long total = 0;
    for (Path sub : List.of(uploadsDir, exportsDir)) {
      try (var files = Files.list(sub)) {
        for (Path p : files.toList()) {
          try {
            total += Files.size(p);
          } catch (java.nio.file.NoSuchFileException gone) {
            // finished (renamed) or removed since the listing: counted under its new name or not
          }
        }
      }
    }
    return total;
  }

  private static void checkEtag(String etag) {
    if (etag == null || !etag.matches("[0-9a-f]{32}")) {
      throw new D1Exception.InvalidRequest(
          "Invalid property: etag => must be the MD5 of the file as 32 lowercase hex characters");
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    jobs.shutdownNow();
  }
}
