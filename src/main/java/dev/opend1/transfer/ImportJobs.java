package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DiskSpace;
import dev.opend1.engine.Engine;
import dev.opend1.engine.ImportStatements;
import dev.opend1.engine.Imported;
import dev.opend1.engine.StatementFailed;
import dev.opend1.sql.DumpStatement;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * D1's import protocol after the upload: {@code init} names the upload (or ingests one already
 * there), {@code ingest} runs the uploaded file as one transaction on the database's writer ({@link
 * Engine#importTransaction}) in a job, {@code poll} follows it; a finished import's outcome is
 * reported for a while.
 */
final class ImportJobs {

  private static final Logger LOG = LoggerFactory.getLogger(ImportJobs.class);

  /**
   * Longest statement in an import in SQLite's dialect, in UTF-8 bytes as D1 counts its own limit
   * (100,000 bytes) and as SQLite's {@code SQLITE_LIMIT_SQL_LENGTH} counts (a 2 MB BLOB is a 4 MB
   * hex literal). The dump's reader bounds its memory with the same number of characters: a
   * statement within the limit has at most that many (no character is less than a byte), so only
   * SQLite's count in bytes decides.
   */
  static final int IMPORT_STATEMENT_BYTES = 10_000_000;

  private static final String TIME_LIMIT =
      "the import ran past its time limit (import-timeout-seconds) and nothing was applied:"
          + " SQLITE_INTERRUPT";

  private final Engine engine;
  private final Uploads uploads;
  private final TransferDirectory dir;
  private final Duration importTimeout;
  private final TransferTiming timing;
  private final TransferCounters counters;

  /** Runs the jobs (given: transfer threads are made by the engine's pools). */
  private final Executor jobs;

  /** Import jobs by (database, etag). */
  private final JobRegistry<ImportJob> registry = new JobRegistry<>();

  ImportJobs(
      Engine engine,
      Uploads uploads,
      TransferDirectory dir,
      Duration importTimeout,
      TransferTiming timing,
      TransferCounters counters,
      Executor jobs) {
    this.engine = engine;
    this.uploads = uploads;
    this.dir = dir;
    this.importTimeout = importTimeout;
    this.timing = timing;
    this.counters = counters;
    this.jobs = jobs;
  }

  /** {@code action: init}: the upload's name, or an ingest started at once when it is uploaded. */
  ImportProgress init(DatabaseId db, String etag, Supplier<String> bookmarkNow) {
    Uploads.checkEtag(etag);
    String name = Uploads.filename(db, etag);
    if (Files.exists(uploads.file(name))) {
      return ingest(db, etag, name, bookmarkNow);
    }
    return ImportProgress.awaitingUpload(name);
  }

  /** {@code action: ingest}: runs an uploaded file as one transaction. */
  ImportProgress ingest(DatabaseId db, String etag, String filename, Supplier<String> bookmarkNow) {
    Uploads.checkEtag(etag);
    if (!filename.equals(Uploads.filename(db, etag))) {
      throw new D1Exception.InvalidRequest(
          "Invalid filename '"
              + filename
              + "': use the filename init returned, "
              + Uploads.filename(db, etag));
    }
    Path file = uploads.file(filename);
    if (!Files.exists(file)) {
      throw new D1Exception.InvalidRequest(
          "Nothing was uploaded for etag "
              + etag
              + "; PUT the file to the upload_url from init first");
    }
    ImportJob job = new ImportJob(db, etag);
    job.atBookmark = bookmarkNow.get();
    job.say("Starting import of " + filename);
    // One step, not a look then a put: two ingests of one upload at once (a client's retry) would
    // otherwise both start, and the file's statements could run twice.
    ImportJob running = registry.runningOr(db + "/" + etag, job);
    if (running != job) {
      return running.progress();
    }
    counters.importsStarted.increment();
    jobs.execute(() -> run(job, file, bookmarkNow));
    return job.progress();
  }

  /**
   * {@code action: poll}: the job at that bookmark, or the one that finished last for the database.
   */
  Optional<ImportProgress> poll(DatabaseId db, String currentBookmark) {
    return registry
        .find(j -> j.at(db, currentBookmark))
        .or(
            () ->
                registry.find(
                    j ->
                        j.db.equals(db)
                            && (j.finished == null
                                || j.finished.isAfter(
                                    Instant.now().minus(timing.outcomeLifetime())))))
        .map(ImportJob::progress);
  }

  /** Forgets imports whose outcome is no longer reported. */
  void reap(Instant now) {
    registry.removeExpired(timing.outcomeLifetime(), now);
  }

  /**
   * The job's work: the file's statements in one transaction; the file goes once applied. The file
   * is read into statements on another transfer thread, ahead of the writer ({@link
   * DumpReadAhead}), from before the writer is free.
   */
  private void run(ImportJob job, Path file, Supplier<String> bookmarkNow) {
    long start = System.nanoTime();
    try {
      Imported<Long> done;
      try (DumpReadAhead dump =
          new DumpReadAhead(counted(file, job), IMPORT_STATEMENT_BYTES, jobs)) {
        done =
            engine.importTransaction(
                job.db,
                IMPORT_STATEMENT_BYTES,
                importTimeout,
                statements -> runAll(statements, dump, job));
      }
      double durationMs = (System.nanoTime() - start) / 1e6;
      job.result =
          new ImportResult(
              done.result(), bookmarkNow.get(), durationMs, done.changes(), done.sizeBytes());
      job.say("Import finished: " + done.result() + " statements");
      removeIngested(file);
      job.status = TransferStatus.COMPLETE;
      counters.importsFinished.increment();
    } catch (Exception e) {
      job.error = failure(e);
      job.status = TransferStatus.ERROR;
      counters.importsFailed.increment();
      LOG.info("import into {} failed: {}", job.db, job.error);
    } finally {
      job.finish();
    }
  }

  /** Removes an applied import's upload; if that fails the import still succeeded. */
  private void removeIngested(Path file) {
    try {
      uploads.remove(file);
    } catch (IOException e) {
      LOG.warn("removing the ingested upload {}: {}", file.getFileName(), e.getMessage());
    }
  }

  /** The uploaded file, counting the bytes read into the job's progress. */
  private static InputStream counted(Path file, ImportJob job) throws IOException {
    return new FilterInputStream(Files.newInputStream(file)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          job.bytesRead += n;
        }
        return n;
      }
    };
  }

  /**
   * Runs the dump's statements one by one on the writer, counting progress; returns how many ran.
   */
  private static long runAll(ImportStatements statements, DumpReadAhead dump, ImportJob job)
      throws IOException, ImportFailed {
    long number = 0;
    long executed = 0;
    try {
      for (DumpStatement s; (s = dump.next()) != null; ) {
        number++;
        try {
          if (!statements.run(s, number)) {
            continue;
          }
        } catch (D1Exception.SqlFailed e) {
          throw new ImportFailed(number, e.getMessage());
        }
        executed++;
        job.statementsDone = executed;
      }
      statements.finish();
    } catch (StatementFailed e) {
      throw new ImportFailed(e.number(), e.timedOut() ? TIME_LIMIT : e.getMessage(), e);
    }
    return executed;
  }

  /** What a failed import reports. */
  private String failure(Exception e) {
    Throwable cause = e;
    while (!(cause instanceof ImportFailed) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    // SQLite's "full" from a statement is the disk's only when the disk is low (it is the
    // database's size limit otherwise); the history's and the file system's are the disk's.
    if (D1Exception.DiskFull.causedBy(e)
        && (!(cause instanceof ImportFailed) || DiskSpace.of(dir.uploads()).isLow())) {
      return new D1Exception.DiskFull("the import was not applied").getMessage();
    }
    return cause instanceof ImportFailed f
        ? f.getMessage()
        : e instanceof D1Exception d ? d.getMessage() : "Import failed: " + e.getMessage();
  }

  /** An import statement failed: its number and what went wrong. */
  private static final class ImportFailed extends Exception {
    ImportFailed(long number, String message) {
      super("Statement " + number + " failed: " + message);
    }

    ImportFailed(long number, String message, Throwable cause) {
      super("Statement " + number + " failed: " + message, cause);
    }
  }
}
