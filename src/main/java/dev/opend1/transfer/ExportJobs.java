package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.engine.ExportWork;
import dev.opend1.engine.InterruptedByRestore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * D1's export protocol: a first request starts a job that dumps a consistent snapshot ({@link
 * Engine#snapshotRead}, {@link SqlDump}) to a file; polls with the snapshot's bookmark follow it;
 * the finished file is served at a signed URL until it expires, and asking again for the same
 * database state and options answers from it. A job nobody polls is cancelled.
 */
final class ExportJobs {

  private static final Logger LOG = LoggerFactory.getLogger(ExportJobs.class);

  /**
   * The download's read and write size. InputStream.transferTo's 16 KB pieces cost the server more
   * CPU (each is a file read, copies through heap and direct buffers and one of Jetty's blocking
   * writes): 0.11 to 0.13 s against 0.08 to 0.11 s per 78 MB sent to curl
   * (bench/results/remaining-export.md).
   */
  private static final int DOWNLOAD_CHUNK = 256 * 1024;

  private final Engine engine;
  private final TransferDirectory dir;
  private final TransferSpace space;
  private final ExportFiles files;
  private final Signer signer;
  private final TransferTiming timing;
  private final TransferCounters counters;

  /** Runs the jobs (given: transfer threads are made by the engine's pools). */
  private final Executor jobs;

  /** Export jobs by (database, at_bookmark, options). */
  private final JobRegistry<ExportJob> registry = new JobRegistry<>();

  ExportJobs(
      Engine engine,
      TransferDirectory dir,
      TransferSpace space,
      ExportFiles files,
      Signer signer,
      TransferTiming timing,
      TransferCounters counters,
      Executor jobs) {
    this.engine = engine;
    this.dir = dir;
    this.space = space;
    this.files = files;
    this.signer = signer;
    this.timing = timing;
    this.counters = counters;
    this.jobs = jobs;
  }

  /**
   * Starts an export, joins a running one with the same options, or (with {@code currentBookmark})
   * polls the one at that bookmark; holds the answer up to a second while the job runs.
   *
   * @param bookmarkNow gives the current bookmark at the dump's snapshot
   */
  ExportProgress export(
      DatabaseId db,
      DumpOptions options,
      Optional<String> currentBookmark,
      Supplier<String> bookmarkNow) {
    ExportJob job =
        currentBookmark.isPresent()
            ? polled(db, options, currentBookmark.get())
            : joinedOrStarted(db, options, bookmarkNow);
    job.lastPoll = Instant.now();
    job.awaitDone();
    return job.progress();
  }

  /**
   * Starts an export of the state at a past bookmark ({@code at_bookmark}, an opend1 extension),
   * joins a running one of it with the same options, or answers a finished one.
   */
  ExportProgress exportAsOf(DatabaseId db, DumpOptions options, ExportJob.Past past) {
    String at = past.at().toString();
    ExportJob job =
        registry
            .find(
                j ->
                    j.db.equals(db)
                        && j.past != null
                        && j.options.equals(options)
                        && at.equals(j.atBookmark)
                        && j.status == TransferStatus.ACTIVE)
            .or(() -> finished(db, options, at))
            .orElseGet(() -> start(db, options, () -> at, past));
    job.lastPoll = Instant.now();
    job.awaitDone();
    return job.progress();
  }

  /** The job at the bookmark a poll names. */
  private ExportJob polled(DatabaseId db, DumpOptions options, String bookmark) {
    ExportJob job = registry.get(key(db, bookmark, options));
    if (job == null) {
      // A client that does not re-send its dump_options when it polls.
      job = registry.find(j -> j.at(db, bookmark)).orElse(null);
    }
    if (job == null) {
      throw new D1Exception.InvalidRequest(
          "No export of this database at bookmark "
              + bookmark
              + "; start one without current_bookmark");
    }
    return job;
  }

  /** A running export with the same options, a finished one of the same state, or a new one. */
  private ExportJob joinedOrStarted(
      DatabaseId db, DumpOptions options, Supplier<String> bookmarkNow) {
    return registry
        .find(
            j ->
                j.db.equals(db)
                    && j.past == null
                    && j.options.equals(options)
                    && j.status == TransferStatus.ACTIVE)
        .or(() -> finished(db, options, bookmarkNow.get()))
        .orElseGet(() -> start(db, options, bookmarkNow, null));
  }

  /**
   * A finished export of the database as it is now, with the same options, whose file is still
   * there: asking again answers from it rather than writing the same dump under a new name.
   */
  private Optional<ExportJob> finished(DatabaseId db, DumpOptions options, String bookmark) {
    ExportJob j = registry.get(key(db, bookmark, options));
    return j != null
            && j.status == TransferStatus.COMPLETE
            && j.file != null
            && Files.exists(j.file)
        ? Optional.of(j)
        : Optional.empty();
  }

  /** Jobs are known by database, bookmark and options: two exports at one bookmark may differ. */
  private static String key(DatabaseId db, String bookmark, DumpOptions options) {
    return db + "/" + bookmark + "/" + options;
  }

  /** Starts a job and waits until its snapshot is taken, so its bookmark can be answered. */
  private ExportJob start(
      DatabaseId db, DumpOptions options, Supplier<String> bookmarkNow, ExportJob.Past past) {
    ExportJob job = new ExportJob(db, options, past);
    counters.exportsStarted.increment();
    jobs.execute(() -> run(job, bookmarkNow));
    try {
      job.started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (job.atBookmark != null) {
      registry.putIfAbsent(key(db, job.atBookmark, options), job);
    }
    return job;
  }

  /** The job's work: the dump into a partial file, counted as it grows, renamed once complete. */
  private void run(ExportJob job, Supplier<String> bookmarkNow) {
    Charge charge = new Charge(space, 0);
    try {
      Path tmp = charge.create(dir.exports(), "export-", TransferDirectory.PART);
      try (OutputStream out =
          new BufferedOutputStream(new ChargedOutput(files.create(tmp), charge), 1 << 16)) {
        ExportWork<Long> dump =
            source -> SqlDump.write(source, job.options, out, () -> job.cancelled);
        if (job.past == null) {
          engine.snapshotRead(job.db, () -> atSnapshot(job, bookmarkNow), dump);
        } else {
          // A past state is a snapshot of its own: the same dump, over the history's image.
          engine.snapshotReadAsOf(
              job.db, job.past.at(), job.past.image(), () -> atSnapshot(job, bookmarkNow), dump);
        }
      }
      Path done =
          dir.exports().resolve(job.db + "-" + job.atBookmark + "-" + System.nanoTime() + ".sql");
      charge.keepAs(done);
      job.file = done;
      job.say("Finished generating " + done.getFileName());
      job.status = TransferStatus.COMPLETE;
      counters.exportsFinished.increment();
    } catch (Exception e) {
      charge.discard();
      job.error = failure(e);
      job.status = TransferStatus.ERROR;
      counters.exportsFailed.increment();
    } finally {
      job.finish();
      job.started.countDown();
    }
  }

  /** The snapshot is taken: the job is known by its bookmark from now on. */
  private void atSnapshot(ExportJob job, Supplier<String> bookmarkNow) {
    job.atBookmark = bookmarkNow.get();
    registry.put(key(job.db, job.atBookmark, job.options), job);
    job.say("Generating " + job.db + "-" + job.atBookmark + ".sql");
    job.started.countDown();
  }

  /** What a failed export reports. */
  private static String failure(Exception e) {
    if (e instanceof InterruptedByRestore) {
      return "Export failed: the database was restored while it was being exported";
    }
    return e instanceof D1Exception d ? d.getMessage() : "Export failed: " + e.getMessage();
  }

  /** Streams an export's file when the signature is good; false when it is not (403). */
  boolean download(String name, String expires, String signature, OutputStreamSupplier out)
      throws IOException {
    if (!signer.verify("GET", name, expires, signature)
        || name.contains("/")
        || name.contains("..")) {
      return false;
    }
    Path file = dir.exports().resolve(name);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException gone) {
      return false; // expired, or taken back for room
    }
    // Open, it is read whole even if it is removed meanwhile.
    try (channel;
        InputStream in = Channels.newInputStream(channel);
        OutputStream o = out.open(channel.size())) {
      byte[] chunk = new byte[DOWNLOAD_CHUNK];
      for (int n; (n = in.read(chunk)) > 0; ) {
        o.write(chunk, 0, n);
      }
    }
    // Sent whole: the client has it, so the file may go early if the transfer cap needs room.
    space.spare(file);
    return true;
  }

  /** Cancels exports nobody polls; forgets expired ones and removes their files. */
  void reap(Instant now) {
    for (ExportJob j : registry.all()) {
      if (j.abandoned(timing.abandoned(), now)) {
        j.cancelled = true;
      }
    }
    for (ExportJob j : registry.removeExpired(timing.urlLifetime(), now)) {
      Path file = j.file;
      try {
        if (file != null) {
          space.delete(file);
        }
      } catch (IOException e) {
        LOG.warn("removing the expired export {}: {}", file, e.getMessage());
      }
    }
  }
}
