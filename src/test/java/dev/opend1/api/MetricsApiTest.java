package dev.opend1.api;

import static dev.opend1.api.QueryApiTest.sql;
import static dev.opend1.testing.TestServer.databases;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: real work moves the series, and no tenant shows up by default. */
class MetricsApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** A scrape, without any credentials. */
  static HttpResponse<String> scrape(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Scrapes until {@code seen} holds of the text, for at most 10 s. A request's timer is recorded
   * once its last byte is written, which can be just after the client has read it.
   */
  static String scrapeUntil(String url, java.util.function.Predicate<String> seen)
      throws Exception {
    String text = scrape(url).body();
    for (int i = 0; i < 200 && !seen.test(text); i++) {
      Thread.sleep(50);
      text = scrape(url).body();
    }
    return text;
  }

  /**
   * The sum of the samples of {@code name} whose labels include every {@code label="value"} pair
   * given; 0 when there is none.
   */
  static double value(String text, String name, String... labels) {
    double sum = 0;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{.*\\})? (\\S+)$");
    for (String l : text.split("\n")) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= set.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private static String database(D1Client client, String name) {
    Reply r = client.post(databases(), "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().get("uuid").asText();
  }

  private static void run(D1Client client, String db, String body) {
    Reply r = client.post(databases() + "/" + db + "/query", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void realWorkMovesTheCountersAndNoTenantAppears() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("max-queued-writes", "1"))) {
      D1Client client = server.client();
      String name = "metrics-secret-name";
      String db = database(client, name);
      run(client, db, sql("CREATE TABLE t(a)"));
      // Enough history to pass the snapshot threshold and enough WAL (4 MiB) to checkpoint.
      for (int i = 0; i < 3; i++) {
        run(client, db, sql("INSERT INTO t VALUES (randomblob(1500000))"));
      }
      run(client, db, sql("SELECT count(*) FROM t"));
      Reply failed = client.post(databases() + "/" + db + "/query", sql("SELECT * FROM nowhere"));
      assertThat(failed.status()).isEqualTo(400);
      assertThat(client.get(databases() + "/no-such-database").status()).isEqualTo(404);
      String bookmark =
          client
              .get(databases() + "/" + db + "/time_travel/bookmark")
              .result()
              .get("bookmark")
              .asText();
      run(client, db, sql("INSERT INTO t VALUES (1)"));
      Reply restored =
          client.send(
              "POST", databases() + "/" + db + "/time_travel/restore?bookmark=" + bookmark, null);
      assertThat(restored.status()).as(restored.body()).isEqualTo(200);
      Reply export =
          client.post(databases() + "/" + db + "/export", "{\"output_format\":\"polling\"}");
      while (export.result().get("status").asText().equals("active")) {
        export =
            client.post(
                databases() + "/" + db + "/export",
                "{\"output_format\":\"polling\",\"current_bookmark\":\""
                    + export.result().get("at_bookmark").asText()
                    + "\"}");
      }
      assertThat(export.result().get("status").asText()).as(export.body()).isEqualTo("complete");

      // Writes in parallel against a queue of one: whatever was refused is counted as overload.
      int refused = 0;
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          replies.add(
              pool.submit(
                  () ->
                      client.post(
                          databases() + "/" + db + "/query",
                          sql("INSERT INTO t VALUES (randomblob(200000))"))));
        }
        for (Future<Reply> f : replies) {
          Reply r = f.get();
          assertThat(r.status()).as(r.body()).isIn(200, 429);
          refused += r.status() == 429 ? 1 : 0;
        }
      } finally {
        pool.shutdown();
      }

      // Snapshots are taken off the write path: wait for the first one to be counted.
      HttpResponse<String> response = scrape(server.metricsUrl());
      for (int i = 0;
          i < 300 && value(response.body(), "opend1_history_snapshot_seconds_count") == 0;
          i++) {
        Thread.sleep(100);
        response = scrape(server.metricsUrl());
      }
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      String text = response.body();

      String queryRoute = "route=\"/client/v4/accounts/{account}/d1/database/{db}/query\"";
      assertThat(
              value(
                  text,
                  "opend1_http_server_request_duration_seconds_count",
                  queryRoute,
                  "status=\"200\""))
          .isGreaterThanOrEqualTo(6);
      assertThat(
              value(
                  text,
                  "opend1_http_server_request_duration_seconds_count",
                  queryRoute,
                  "status=\"429\""))
          .isEqualTo(refused);
      assertThat(value(text, "opend1_writer_overloaded_total")).isEqualTo(refused);
      assertThat(
              value(
                  text,
                  "opend1_http_server_request_duration_seconds_bucket",
                  queryRoute,
                  "le=\"+Inf\""))
          .isGreaterThanOrEqualTo(6);
      assertThat(text).contains("opend1_http_server_request_duration_seconds_bucket{");
      assertThat(value(text, "opend1_history_records_written_total")).isGreaterThanOrEqualTo(6);
      assertThat(value(text, "opend1_history_written_bytes_total")).isGreaterThan(4_500_000);
      assertThat(value(text, "opend1_history_snapshot_seconds_count")).isGreaterThanOrEqualTo(1);
      // A snapshot is a full image of the database, which holds the 4.5 MB written.
      assertThat(value(text, "opend1_history_snapshot_written_bytes_total"))
          .isGreaterThan(4_500_000);
      // The format stamp, the checkpoint's seq: the small files; the checkpoint's seq replaced.
      assertThat(value(text, "opend1_history_metadata_written_bytes_total")).isGreaterThan(0);
      assertThat(text).contains("opend1_history_removed_bytes_total ");
      assertThat(value(text, "opend1_checkpoint_seconds_count")).isGreaterThanOrEqualTo(1);
      assertThat(value(text, "opend1_restores_total")).isEqualTo(1);
      assertThat(value(text, "opend1_transfer_jobs_total", "kind=\"export\"", "event=\"started\""))
          .isEqualTo(1);
      assertThat(value(text, "opend1_transfer_jobs_total", "kind=\"export\"", "event=\"finished\""))
          .isEqualTo(1);
      assertThat(value(text, "opend1_transfer_jobs_active", "kind=\"export\"")).isZero();
      // The finished export's file, kept until its URL expires.
      assertThat(value(text, "opend1_transfer_stored_bytes")).isPositive();
      assertThat(value(text, "opend1_open_databases")).isEqualTo(1);
      assertThat(text).contains("opend1_writer_queue_depth ");
      assertThat(value(text, "opend1_spill_bytes")).isZero();

      // SQL: statements by kind, rows read and written; D1 error codes, 429s among them.
      assertThat(value(text, "opend1_sql_statements_total", "kind=\"ddl\"")).isEqualTo(1);
      assertThat(value(text, "opend1_sql_statements_total", "kind=\"write\""))
          .isGreaterThanOrEqualTo(4 + 12 - refused);
      assertThat(value(text, "opend1_sql_statements_total", "kind=\"select\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(value(text, "opend1_sql_rows_written_total")).isGreaterThanOrEqualTo(4);
      assertThat(value(text, "opend1_sql_rows_read_total")).isGreaterThanOrEqualTo(1);
      assertThat(value(text, "opend1_d1_errors_total", "code=\"7500\"", "status=\"400\""))
          .isEqualTo(1);
      assertThat(value(text, "opend1_d1_errors_total", "code=\"7404\"", "status=\"404\""))
          .isEqualTo(1);
      assertThat(value(text, "opend1_d1_errors_total", "code=\"7500\"", "status=\"429\""))
          .isEqualTo(refused);
      // Disk: the databases, their history, and what is free.
      assertThat(value(text, "opend1_database_bytes")).isGreaterThan(4_000_000);
      assertThat(value(text, "opend1_history_bytes")).isGreaterThan(4_000_000);
      assertThat(value(text, "opend1_data_dir_free_bytes")).isPositive();
      assertThat(value(text, "opend1_checkpoint_last_timestamp_seconds"))
          .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);

      // No tenant: neither the database's id or name nor any account id.
      assertThat(text)
          .doesNotContain(db)
          .doesNotContain(name)
          .doesNotContain(TestServer.ACCOUNT.value())
          .doesNotContain(server.otherAccount().value());
    }
  }

  /**
   * Prometheus' conventions: a request histogram whose buckets tell a 0.2 ms point read apart (the
   * first is 50 µs), the process and JVM series of Micrometer's binders, and the build.
   */
  @Test
  void theSeriesFollowPrometheusConventions() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      String db = database(server.client(), "conventions");
      run(server.client(), db, sql("SELECT 1"));
      String route = "route=\"/client/v4/accounts/{account}/d1/database/{db}/query\"";
      String text =
          scrapeUntil(
              server.metricsUrl(),
              t -> value(t, "opend1_http_server_request_duration_seconds_count", route) > 0);
      List<Double> bounds = new ArrayList<>();
      Matcher m =
          Pattern.compile(
                  "opend1_http_server_request_duration_seconds_bucket\\{[^}]*"
                      + Pattern.quote(route)
                      + "[^}]*le=\"([^\"]+)\"")
              .matcher(text);
      while (m.find()) {
        bounds.add(
            m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)));
      }
      assertThat(bounds).contains(0.00005, 0.0001, 0.00025, 0.0005, 0.001);
      assertThat(bounds.stream().mapToDouble(Double::doubleValue).min().orElseThrow())
          .isEqualTo(0.00005);
      assertThat(value(text, "opend1_http_server_request_duration_seconds_count", route))
          .isEqualTo(1);
      for (String series :
          List.of(
              "process_cpu_usage",
              "process_uptime_seconds",
              "process_start_time_seconds",
              "process_files_open_files",
              "process_resident_memory_bytes",
              "jvm_memory_used_bytes",
              "jvm_threads_live_threads",
              "jvm_classes_loaded_classes",
              "jvm_info")) {
        assertThat(text).as(series).containsPattern("(?m)^" + series + "[{ ]");
      }
      assertThat(value(text, "process_resident_memory_bytes")).isGreaterThan(10_000_000);
      assertThat(text)
          .containsPattern(
              "(?m)^opend1_build_info\\{revision=\"[^\"]+\",version=\"[^\"]+\"} 1(\\.0)?$");
    }
  }

  @Test
  void tenantLabelsAppearOnlyWhenEnabled() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("metrics-tenant-labels", "true"))) {
      String db = database(server.client(), "labelled");
      run(server.client(), db, sql("SELECT 1"));
      String text = scrapeUntil(server.metricsUrl(), t -> t.contains("database=\"" + db + "\""));
      assertThat(text).contains("account=\"" + TestServer.ACCOUNT.value() + "\"");
      assertThat(text).contains("database=\"" + db + "\"");
    }
  }

  @Test
  void aMetricsPortMovesTheEndpointOffTheMainPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestServer server =
        TestServer.start(dir, Map.of("metrics-port", Integer.toString(port)))) {
      assertThat(server.metricsUrl()).isEqualTo("http://127.0.0.1:" + port + "/metrics");
      run(server.client(), database(server.client(), "elsewhere"), sql("SELECT 1"));
      HttpResponse<String> own = scrape(server.metricsUrl());
      assertThat(own.statusCode()).isEqualTo(200);
      assertThat(own.body()).contains("opend1_http_server_request_duration_seconds_bucket{");
      HttpResponse<String> main = scrape(server.baseUrl() + "/metrics");
      assertThat(main.statusCode()).isEqualTo(404);
      assertThat(main.body()).doesNotContain("opend1_http_server_request_duration");
    }
  }
}
