package dev.opend1.service;

import dev.opend1.api.RecoveryService;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.DaemonPools;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recoveries run in the background ({@code POST /recover/jobs}), polled by id: what each has
 * downloaded and checked so far, then its outcome, kept for {@link #KEPT} after it ends. Why jobs
 * and not one long request: a large database takes longer than a connection may stay idle, and the
 * command shows progress from the polls.
 */
final class RecoveryJobs {

  private static final Logger LOG = LoggerFactory.getLogger(RecoveryJobs.class);

  /** How long a finished job's outcome stays to be polled. */
  static final Duration KEPT = Duration.ofHours(1);

  /** What a job's work reports as it goes. */
  static final class Progress {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong records = new AtomicLong();
  }

  /** The work of one job: a recovery reporting into {@code progress}. */
  @FunctionalInterface
  interface Work {
    RecoveryService.Recovered run(Progress progress);
  }

  /** One job: its progress, and its outcome once set (written once by its thread). */
  private static final class Running {
    final long startNanos = System.nanoTime();
    final Progress progress = new Progress();
    volatile RecoveryService.Recovered done;
    volatile D1Exception failure;
    volatile long endNanos;
  }

  /** Jobs by id, running and finished; finished ones past {@link #KEPT} are dropped on access. */
  private final Map<String, Running> jobs = new ConcurrentHashMap<>();

  /** Runs the jobs, two at a time (each downloads with its own pool). */
  private final ExecutorService pool = DaemonPools.fixed("opend1-recover-job", 2);

  /** Starts {@code work}; returns the job's id. */
  String start(Work work) {
    expire();
    String id = UUID.randomUUID().toString();
    Running job = new Running();
    jobs.put(id, job);
    pool.execute(
        () -> {
          try {
            job.done = work.run(job.progress);
          } catch (D1Exception e) {
            job.failure = e;
          } catch (RuntimeException | Error e) {
            LOG.error("recovery job {} failed", id, e);
            job.failure = new D1Exception.Internal(e);
          } finally {
            job.endNanos = System.nanoTime();
          }
        });
    return id;
  }

  /** The job {@code id} as a poll sees it. */
  RecoveryService.Job job(String id) {
    expire();
    Running job = jobs.get(id);
    if (job == null) {
      throw new D1Exception.DatabaseNotFound();
    }
    D1Exception failure = job.failure;
    RecoveryService.Recovered done = job.done;
    long end = job.endNanos == 0 ? System.nanoTime() : job.endNanos;
    return new RecoveryService.Job(
        id,
        job.progress.bytes.get(),
        job.progress.records.get(),
        (end - job.startNanos) / 1e9,
        Optional.ofNullable(done),
        Optional.ofNullable(failure));
  }

  private void expire() {
    long now = System.nanoTime();
    jobs.values().removeIf(j -> j.endNanos != 0 && now - j.endNanos > KEPT.toNanos());
  }
}
