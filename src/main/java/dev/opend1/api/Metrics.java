package dev.opend1.api;

import dev.opend1.engine.Engine;
import dev.opend1.engine.EngineCounters;
import dev.opend1.history.HistoryCounters;
import dev.opend1.transfer.TransferCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format. HTTP requests are timed here, by
 * route template (never the raw path, which holds ids) and status, as histograms; everything else
 * is read at scrape time from the plain counters the engine, history and transfers keep.
 *
 * <p>Without {@code metrics-tenant-labels} no series carries an account or database id, so a scrape
 * reveals nothing about tenants.
 */
final class Metrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final boolean tenantLabels;

  Metrics(
      boolean tenantLabels, Engine engine, HistoryCounters history, TransferCounters transfers) {
    this.tenantLabels = tenantLabels;
    EngineCounters e = engine.counters();
    Gauge.builder("opend1_open_databases", engine, Engine::openDatabases)
        .description("Database handles open (each holds SQLite connections)")
        .register(registry);
    Gauge.builder("opend1_writer_queue_depth", e, EngineCounters::queuedWrites)
        .description("Write requests queued or running, over every database")
        .register(registry);
    counter("opend1_writer_overloaded", e, EngineCounters::overloads, "Writes refused with 429");
    timer(
        "opend1_checkpoint",
        e,
        EngineCounters::checkpoints,
        EngineCounters::checkpointNanos,
        "Complete WAL checkpoints into the database file");
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
    transferMeters(transfers);
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
    Timer.builder("opend1_http_requests")
        .description("HTTP requests by route template and status")
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }
}
