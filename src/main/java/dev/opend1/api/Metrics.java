package dev.opend1.api;

import dev.opend1.core.BuildInfo;
import dev.opend1.engine.Engine;
import dev.opend1.engine.EngineCounters;
import dev.opend1.history.HistoryCounters;
import dev.opend1.history.Replication;
import dev.opend1.sql.StatementKind;
import dev.opend1.transfer.TransferCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format, by Prometheus' naming conventions
 * (base units in the name, {@code _total} counters). HTTP requests are timed here, by route
 * template (never the raw path, which holds ids) and status, as a histogram whose buckets start at
 * 50 µs; the D1 error codes answered are counted here too. The JVM and the process are Micrometer's
 * binders ({@code jvm_*}, {@code process_*}). Everything else is read at scrape time from the plain
 * counters the engine, history and transfers keep, and from {@link DiskFigures}.
 *
 * <p>Without {@code metrics-tenant-labels} no series carries an account or database id, so a scrape
 * reveals nothing about tenants. docs/operating.md lists every series.
 */
final class Metrics implements AutoCloseable {

  /** The HTTP histogram's buckets: fine enough to tell a 0.2 ms point read from a 1 ms one. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final boolean tenantLabels;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  Metrics(
      boolean tenantLabels,
      Engine engine,
      HistoryCounters history,
      TransferCounters transfers,
      DiskFigures disk) {
    this.tenantLabels = tenantLabels;
    processAndJvm();
    BuildInfo build = BuildInfo.current();
    // Micrometer's dotted name: it becomes Prometheus' info metric opend1_build_info.
    Gauge.builder("opend1.build.info", () -> 1)
        .tags("version", build.version(), "revision", build.revision())
        .description("The running build: always 1, with its version and git revision as labels")
        .register(registry);
    engineMeters(engine);
    historyMeters(history);
    transferMeters(transfers);
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

  private void processAndJvm() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Path status = Path.of("/proc/self/status");
    if (Files.isReadable(status)) {
      Gauge.builder("process_resident_memory", status, Metrics::residentBytes)
          .baseUnit("bytes")
          .description("Resident set size of the process (Linux: VmRSS)")
          .register(registry);
    }
  }

  private void engineMeters(Engine engine) {
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
    counter("opend1_writer_overloaded", e, EngineCounters::overloads, "Writes refused with 429");
    timer(
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
        "opend1_sql_rows_read",
        e,
        EngineCounters::rowsRead,
        "Rows read, as meta.rows_read counts them");
    counter(
        "opend1_sql_rows_written",
        e,
        EngineCounters::rowsWritten,
        "Rows written, as meta.rows_written counts them");
  }

  /** The shipping of history to object storage: its lag, uploads and failures. */
  void objectStore(Replication r) {
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

  private void historyMeters(HistoryCounters history) {
    counter(
        "opend1_history_records_written",
        history,
        HistoryCounters::records,
        "History records appended");
    FunctionCounter.builder("opend1_history_written", history, HistoryCounters::bytes)
        .baseUnit("bytes")
        .description("Bytes of history records appended")
        .register(registry);
    timer(
        "opend1_history_snapshot",
        history,
        HistoryCounters::snapshots,
        HistoryCounters::snapshotNanos,
        "History snapshots (full page images) written");
    counter("opend1_restores", history, HistoryCounters::restores, "Restores completed");
    counter(
        "opend1_restores_failed",
        history,
        HistoryCounters::restoreFailures,
        "Restores that failed");
  }

  private void transferMeters(TransferCounters t) {
    Tags exports = Tags.of("kind", "export");
    jobCounter("started", exports, t, TransferCounters::exportsStarted);
    jobCounter("finished", exports, t, TransferCounters::exportsFinished);
    jobCounter("failed", exports, t, TransferCounters::exportsFailed);
    active(exports, t, TransferCounters::activeExports);
    Tags imports = Tags.of("kind", "import");
    jobCounter("started", imports, t, TransferCounters::importsStarted);
    jobCounter("finished", imports, t, TransferCounters::importsFinished);
    jobCounter("failed", imports, t, TransferCounters::importsFailed);
    active(imports, t, TransferCounters::activeImports);
  }

  private void active(Tags tags, TransferCounters t, ToDoubleFunction<TransferCounters> f) {
    Gauge.builder("opend1_transfer_jobs_active", t, f)
        .tags(tags)
        .description("Export and import jobs running")
        .register(registry);
  }

  private void jobCounter(
      String outcome, Tags tags, TransferCounters t, ToDoubleFunction<TransferCounters> f) {
    FunctionCounter.builder("opend1_transfer_jobs", t, f)
        .tags(tags.and("event", outcome))
        .description("Export and import jobs started, finished and failed")
        .register(registry);
  }

  private <T> void counter(String name, T source, ToDoubleFunction<T> f, String description) {
    FunctionCounter.builder(name, source, f).description(description).register(registry);
  }

  private <T> void timer(
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

  /**
   * Records one HTTP request.
   *
   * @param route the route template ({@code /client/v4/accounts/{account}/d1/database/{db}/query})
   * @param account the account in the path, or null; used only with tenant labels
   * @param database the database in the path, or null; used only with tenant labels
   */
  void request(
      String method, String route, int status, long nanos, String account, String database) {
    Tags tags = Tags.of("method", method, "route", route, "status", Integer.toString(status));
    if (tenantLabels) {
      tags =
          tags.and(
              "account",
              account == null ? "" : account,
              "database",
              database == null ? "" : database);
    }
    Timer.builder("opend1_http_server_request_duration")
        .description("HTTP requests by route template and status, from arrival to the last byte")
        .tags(tags)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts an error answer by its D1 error code and HTTP status (429s among them). */
  void error(int code, int status) {
    Counter.builder("opend1_d1_errors")
        .description("Error answers by D1 error code and HTTP status")
        .tags("code", Integer.toString(code), "status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  /** VmRSS from {@code /proc/self/status}, in bytes; NaN when it cannot be read. */
  private static double residentBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).strip().split("\\s+")[0];
          return Long.parseLong(kb) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // NaN below: Prometheus shows the series as missing a value rather than a wrong one.
    }
    return Double.NaN;
  }
}
