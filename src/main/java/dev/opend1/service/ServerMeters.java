package dev.opend1.service;

import dev.opend1.engine.Engine;
import dev.opend1.engine.EngineCounters;
import dev.opend1.history.Followers;
import dev.opend1.history.HistoryCounters;
import dev.opend1.history.Replication;
import dev.opend1.sql.StatementKind;
import dev.opend1.transfer.TransferCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's own series on {@code /metrics}: read at scrape time from the plain counters the
 * engine, the history and the transfers keep (none of them knows how they are exported), and from
 * {@link DiskFigures}. docs/operating.md lists every series.
 */
final class ServerMeters implements MeterBinder {

  private final Engine engine;
  private final HistoryCounters history;
  private final TransferCounters transfers;
  private final DiskFigures disk;
  private final Optional<Replication> objectStore;

  /** A cluster member's read replicas; else empty. */
  private final Optional<Followers> followers;

  ServerMeters(
      Engine engine,
      HistoryCounters history,
      TransferCounters transfers,
      DiskFigures disk,
      Optional<Replication> objectStore,
      Optional<Followers> followers) {
    this.followers = followers;
    this.engine = engine;
    this.history = history;
    this.transfers = transfers;
    this.disk = disk;
    this.objectStore = objectStore;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    engineMeters(registry);
    historyMeters(registry);
    transferMeters(registry);
    objectStore.ifPresent(r -> objectStoreMeters(registry, r));
    followers.ifPresent(f -> replicaMeters(registry, f));
    Gauge.builder("opend1_database_bytes", disk, DiskFigures::databaseBytes)
        .description("Bytes of every database's files (db.sqlite, its WAL, meta.json)")
        .register(registry);
    Gauge.builder("opend1_history_bytes", disk, DiskFigures::historyBytes)
        .description("Bytes of every database's history (segments and snapshots)")
        .register(registry);
    Gauge.builder("opend1_data_dir_free_bytes", disk, DiskFigures::freeBytes)
        .description("Bytes free for the server in the data directory's file system")
        .register(registry);
  }

  private void engineMeters(MeterRegistry registry) {
    Engine engine = this.engine;
    EngineCounters e = engine.counters();
    Gauge.builder("opend1_open_databases", engine, Engine::openDatabases)
        .description("Database handles open (each holds SQLite connections)")
        .register(registry);
    Gauge.builder("opend1_spill_bytes", engine, Engine::spilledBytes)
        .description("Disk reserved by results waiting for their commit or a slow client")
        .register(registry);
    Gauge.builder("opend1_writer_queue_depth", e, EngineCounters::queuedWrites)
        .description("Write requests queued or running, over every database")
        .register(registry);
    Gauge.builder("opend1_sql_tasks_waiting", engine, Engine::sqlTasksWaiting)
        .description("SQL work waiting for one of the engine's threads (--sql-threads)")
        .register(registry);
    counter(
        registry,
        "opend1_writer_overloaded",
        e,
        EngineCounters::overloads,
        "Writes refused with 429: their database's queue was full, or they waited too long");
    counter(
        registry,
        "opend1_reader_overloaded",
        e,
        EngineCounters::busyReaders,
        "Reads refused with 429: every read connection of their database stayed busy");
    Gauge.builder("opend1_reads_waiting", e, EngineCounters::waitingReads)
        .description("Read requests waiting for a read connection, over every database")
        .register(registry);
    Gauge.builder("opend1_databases_unavailable", e, EngineCounters::unavailableDatabases)
        .description("Databases whose files are missing or damaged (listed in /status)")
        .register(registry);
    counter(
        registry,
        "opend1_write_commits",
        e,
        EngineCounters::writeCommits,
        "Commits of write requests: one request alone, or a group of them");
    counter(
        registry,
        "opend1_write_requests_committed",
        e,
        EngineCounters::writesCommitted,
        "Write requests those commits applied (over the commits: the mean group's size)");
    timer(
        registry,
        "opend1_checkpoint",
        e,
        EngineCounters::checkpoints,
        EngineCounters::checkpointNanos,
        "Complete WAL checkpoints into the database file");
    Gauge.builder(
            "opend1_checkpoint_last_timestamp_seconds", e, c -> c.lastCheckpointMillis() / 1000.0)
        .description("When the latest complete checkpoint ended (Unix time), 0 before the first")
        .register(registry);
    for (StatementKind kind : StatementKind.values()) {
      FunctionCounter.builder("opend1_sql_statements", e, c -> c.statements(kind))
          .tags("kind", kind.name().toLowerCase(Locale.ROOT))
          .description(
              "SQL statements run, by kind (a statement of a request that then failed counts too)")
          .register(registry);
    }
    counter(
        registry,
        "opend1_sql_rows_read",
        e,
        EngineCounters::rowsRead,
        "Rows read, as meta.rows_read counts them");
    counter(
        registry,
        "opend1_sql_rows_written",
        e,
        EngineCounters::rowsWritten,
        "Rows written, as meta.rows_written counts them");
  }

  /** The read replicas this node answers from: how many, and the largest lag of any. */
  private static void replicaMeters(MeterRegistry registry, Followers f) {
    Gauge.builder("opend1_replicas_followed", f, Followers::size)
        .description("Databases this node follows from object storage as a read replica")
        .register(registry);
    Gauge.builder("opend1_replica_lag_seconds", f, x -> x.maxLag().seconds())
        .description("The longest any followed database's copy has been behind the bucket")
        .register(registry);
    Gauge.builder("opend1_replica_lag_records", f, x -> x.maxLag().records())
        .description("The most records any followed database's copy is behind the bucket")
        .register(registry);
  }

  /** The shipping of history to object storage: its lag, uploads and failures. */
  private static void objectStoreMeters(MeterRegistry registry, Replication r) {
    Gauge.builder("opend1_object_store_lag_seconds", r, x -> x.lagNanos() / 1e9)
        .description("How long the oldest history not yet in object storage has waited")
        .register(registry);
    Gauge.builder("opend1_object_store_lag_bytes", r, Replication::lagBytes)
        .description("Bytes of history durable on local disk and not yet in object storage")
        .register(registry);
    FunctionCounter.builder("opend1_object_store_uploads", r, x -> x.counters().uploads.sum())
        .description("Objects written to object storage")
        .register(registry);
    FunctionCounter.builder(
            "opend1_object_store_uploaded", r, x -> x.counters().uploadedBytes.sum())
        .baseUnit("bytes")
        .description("Bytes written to object storage")
        .register(registry);
    FunctionCounter.builder("opend1_object_store_failures", r, x -> x.counters().failures.sum())
        .description("Uploads to object storage that failed (and were retried or refused writes)")
        .register(registry);
  }

  private void historyMeters(MeterRegistry registry) {
    HistoryCounters history = this.history;
    counter(
        registry,
        "opend1_history_records_written",
        history,
        HistoryCounters::records,
        "History records appended");
    FunctionCounter.builder("opend1_history_written", history, HistoryCounters::bytes)
        .baseUnit("bytes")
        .description("Bytes of history records appended")
        .register(registry);
    FunctionCounter.builder(
            "opend1_history_snapshot_written", history, HistoryCounters::snapshotBytes)
        .baseUnit("bytes")
        .description(
            "Bytes of history snapshots (full page images: taken, restored, first states) written")
        .register(registry);
    FunctionCounter.builder(
            "opend1_history_metadata_written", history, HistoryCounters::metadataBytes)
        .baseUnit("bytes")
        .description("Bytes of the history's small files (segment indexes, checkpoints) written")
        .register(registry);
    FunctionCounter.builder("opend1_history_removed", history, HistoryCounters::removedBytes)
        .baseUnit("bytes")
        .description("Bytes the history deleted, replaced or cut off its files")
        .register(registry);
    timer(
        registry,
        "opend1_history_snapshot",
        history,
        HistoryCounters::snapshots,
        HistoryCounters::snapshotNanos,
        "History snapshots (full page images) written");
    counter(registry, "opend1_restores", history, HistoryCounters::restores, "Restores completed");
    counter(
        registry,
        "opend1_restores_failed",
        history,
        HistoryCounters::restoreFailures,
        "Restores that failed");
  }

  private void transferMeters(MeterRegistry registry) {
    TransferCounters t = transfers;
    Tags exports = Tags.of("kind", "export");
    jobCounter(registry, "started", exports, t, TransferCounters::exportsStarted);
    jobCounter(registry, "finished", exports, t, TransferCounters::exportsFinished);
    jobCounter(registry, "failed", exports, t, TransferCounters::exportsFailed);
    active(registry, exports, t, TransferCounters::activeExports);
    Tags imports = Tags.of("kind", "import");
    jobCounter(registry, "started", imports, t, TransferCounters::importsStarted);
    jobCounter(registry, "finished", imports, t, TransferCounters::importsFinished);
    jobCounter(registry, "failed", imports, t, TransferCounters::importsFailed);
    active(registry, imports, t, TransferCounters::activeImports);
    Gauge.builder("opend1_transfer_stored", t, TransferCounters::storedBytes)
        .baseUnit("bytes")
        .description("Bytes of uploads and exports kept, against --max-transfer-bytes")
        .register(registry);
  }

  private static void active(
      MeterRegistry registry, Tags tags, TransferCounters t, ToDoubleFunction<TransferCounters> f) {
    Gauge.builder("opend1_transfer_jobs_active", t, f)
        .tags(tags)
        .description("Export and import jobs running")
        .register(registry);
  }

  private static void jobCounter(
      MeterRegistry registry,
      String outcome,
      Tags tags,
      TransferCounters t,
      ToDoubleFunction<TransferCounters> f) {
    FunctionCounter.builder("opend1_transfer_jobs", t, f)
        .tags(tags.and("event", outcome))
        .description("Export and import jobs started, finished and failed")
        .register(registry);
  }

  private static <T> void counter(
      MeterRegistry registry, String name, T source, ToDoubleFunction<T> f, String description) {
    FunctionCounter.builder(name, source, f).description(description).register(registry);
  }

  private static <T> void timer(
      MeterRegistry registry,
      String name,
      T source,
      ToDoubleFunction<T> count,
      ToDoubleFunction<T> nanos,
      String description) {
    FunctionTimer.builder(
            name, source, s -> (long) count.applyAsDouble(s), nanos, TimeUnit.NANOSECONDS)
        .description(description)
        .register(registry);
  }
}
