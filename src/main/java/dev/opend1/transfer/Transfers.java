package dev.opend1.transfer;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DataLayout;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.Engine;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * D1's export and import protocols, the one entry point the HTTP edge uses: jobs that run in the
 * background and are polled. Exports ({@link ExportJobs}) dump a consistent snapshot to a file
 * served at a signed URL for an hour; imports take a file uploaded to a signed URL ({@link
 * Uploads}, checked against its MD5) and run it as one transaction on the writer ({@link
 * ImportJobs}). This class wires them, owns their threads and expires what they leave behind.
 */
public final class Transfers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);

  /** Export and import totals for operators. */
  private final TransferCounters counters;

  private final TransferTiming timing;
  private final Signer signer;

  /** The bytes of the transfer directory, against {@code maxTransferBytes}. */
  private final TransferSpace space;

  private final ExportJobs exports;
  private final Uploads uploads;
  private final ImportJobs imports;

  /** The threads export and import jobs run on (mostly waiting for the engine). */
  private final ExecutorService jobs;

  /** Runs {@link #reap} every {@link TransferTiming#reapEvery}; nothing else. */
  private final ScheduledExecutorService reaper;

  public Transfers(
      Engine engine,
      Path dataDir,
      long maxImportBytes,
      long maxTransferBytes,
      Duration importTimeout)
      throws IOException {
    this(engine, dataDir, maxImportBytes, maxTransferBytes, importTimeout, TransferTiming.STANDARD);
  }

  Transfers(
      Engine engine,
      Path dataDir,
      long maxImportBytes,
      long maxTransferBytes,
      Duration importTimeout,
      TransferTiming timing)
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
      TransferTiming timing,
      ExportFiles exportFiles)
      throws IOException {
    this.timing = timing;
    TransferDirectory dir = TransferDirectory.prepare(dataDir);
    this.signer = new Signer(new DataLayout(dataDir).transferKeyFile());
    this.jobs = DaemonPools.growing("opend1-transfer");
    this.reaper = DaemonPools.scheduled("opend1-transfer-reaper");
    this.space = TransferSpace.counted(dir, maxTransferBytes);
    this.counters = new TransferCounters(space::used);
    this.exports = new ExportJobs(engine, dir, space, exportFiles, signer, timing, counters, jobs);
    this.uploads = new Uploads(dir, space, signer, maxImportBytes);
    this.imports = new ImportJobs(engine, uploads, dir, importTimeout, timing, counters, jobs);
    long every = timing.reapEvery().toMillis();
    reaper.scheduleWithFixedDelay(() -> reap(Instant.now()), every, every, TimeUnit.MILLISECONDS);
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
  public ExportProgress export(
      DatabaseId db,
      DumpOptions options,
      Optional<String> currentBookmark,
      Supplier<String> bookmarkNow) {
    return exports.export(db, options, currentBookmark, bookmarkNow);
  }

  /**
   * Starts, joins or answers an export of the state at a past bookmark ({@code at_bookmark}), whose
   * image the history describes.
   */
  public ExportProgress exportAsOf(
      DatabaseId db, DumpOptions options, Bookmark at, Supplier<StateImage> image) {
    return exports.exportAsOf(db, options, new ExportJob.Past(at, image));
  }

  /**
   * The signed query of a transfer URL ({@code GET} of an export's file, {@code PUT} of an upload),
   * valid for the URL lifetime: {@code expires=..&signature=..}.
   */
  public String signedQuery(String method, String name) {
    long expires = Instant.now().plus(timing.urlLifetime()).getEpochSecond();
    return signer.query(method, name, expires);
  }

  /** Streams an export's file when the signature is good; false when it is not (403). */
  public boolean download(String name, String expires, String signature, OutputStreamSupplier out)
      throws IOException {
    return exports.download(name, expires, signature, out);
  }

  /** {@code action: init}: the upload's name, or an ingest started at once when it is uploaded. */
  public ImportProgress init(DatabaseId db, String etag, Supplier<String> bookmarkNow) {
    return imports.init(db, etag, bookmarkNow);
  }

  /** Stores an upload after checking its MD5 against the etag in its name; returns the MD5. */
  public String receive(
      String name, String expires, String signature, long declaredLength, InputStream body)
      throws IOException {
    return uploads.receive(name, expires, signature, declaredLength, body);
  }

  /** {@code action: ingest}: runs an uploaded file as one transaction. */
  public ImportProgress ingest(
      DatabaseId db, String etag, String filename, Supplier<String> bookmarkNow) {
    return imports.ingest(db, etag, filename, bookmarkNow);
  }

  /**
   * {@code action: poll}: the job at that bookmark, or the one that finished last for the database.
   */
  public Optional<ImportProgress> poll(DatabaseId db, String currentBookmark) {
    return imports.poll(db, currentBookmark);
  }

  /** Bytes of the transfer directory's files now, as counted (and reserved by uploads). */
  long storedBytes() {
    return space.used();
  }

  /** Cancels exports abandoned by {@code now}; removes expired jobs, files and uploads. */
  void reap(Instant now) {
    try {
      exports.reap(now);
      imports.reap(now);
      uploads.reap(timing.uploadLifetime(), now);
    } catch (IOException | RuntimeException e) {
      LOG.warn("transfer housekeeping: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    jobs.shutdownNow();
  }
}
