package dev.opend1.api;

import dev.opend1.core.BuildInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What {@code GET /metrics} shows, in Prometheus' text format, by Prometheus' naming conventions
 * (base units in the name, {@code _total} counters). HTTP requests are timed here, by route
 * template (never the raw path, which holds ids) and status, as a histogram whose buckets start at
 * 50 µs; the D1 error codes answered are counted here too. The JVM and the process are Micrometer's
 * binders ({@code jvm_*}, {@code process_*}). The server's own figures come from the binder it is
 * given ({@link Services#meters}), read at scrape time from the plain counters the engine, history
 * and transfers keep.
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

  Metrics(boolean tenantLabels, MeterBinder figures) {
    this.tenantLabels = tenantLabels;
    processAndJvm();
    BuildInfo build = BuildInfo.current();
    // Micrometer's dotted name: it becomes Prometheus' info metric opend1_build_info.
    Gauge.builder("opend1.build.info", () -> 1)
        .tags("version", build.version(), "revision", build.revision())
        .description("The running build: always 1, with its version and git revision as labels")
        .register(registry);
    figures.bindTo(registry);
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

  /**
   * Records one HTTP request.
   *
   * @param route the route template ({@code /client/v4/accounts/{account}/d1/database/{db}/query})
   * @param account the account in the path, or null; used only with tenant labels
   * @param database the database in the path, or null; used only with tenant labels
   */
  void request(
      String method, String route, int status, long nanos, String account, String database) {
    TimerKey key =
        tenantLabels
            ? new TimerKey(method, route, status, account, database)
            : new TimerKey(method, route, status, null, null);
    timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** What tells one request timer from another: its labels. */
  private record TimerKey(
      String method, String route, int status, String account, String database) {}

  /**
   * The registered timers by their labels: finding one here costs a hash lookup, where building its
   * tags and asking the registry sorted and merged them on every request. As bounded as the
   * registry, which keeps every timer it registered.
   */
  private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private Timer timer(TimerKey k) {
    Tags tags =
        Tags.of("method", k.method(), "route", k.route(), "status", Integer.toString(k.status()));
    if (tenantLabels) {
      tags =
          tags.and(
              "account",
              k.account() == null ? "" : k.account(),
              "database",
              k.database() == null ? "" : k.database());
    }
    return Timer.builder("opend1_http_server_request_duration")
        .description("HTTP requests by route template and status, from arrival to the last byte")
        .tags(tags)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
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
