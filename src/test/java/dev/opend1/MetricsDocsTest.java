package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code opend1_*} series a server exposes is a row of the metrics table in {@code
 * docs/operating.md}, so an operator can find what each one means. The server ships to object
 * storage (s3proxy), so the object store's series are there too; a cluster member's own series are
 * not exposed here and are not checked.
 */
class MetricsDocsTest {

  /** A sample line's series name, before its labels or its value. */
  private static final Pattern SAMPLE = Pattern.compile("^(opend1_[a-z0-9_]+)[{ ]");

  /** What Prometheus' text format appends to a histogram's or a timer's name. */
  private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum|max|created)$");

  /** A row of the metrics table: its first cell names one or more series. */
  private static final Pattern ROW = Pattern.compile("^\\| (`opend1_[^|]*)\\|", Pattern.MULTILINE);

  private static final Pattern CODE = Pattern.compile("`(opend1_[a-z0-9_]+)`");

  @TempDir Path dir;

  @Test
  void everySeriesTheServerExposesIsInOperatingMd() throws Exception {
    Set<String> documented = documented(Files.readString(Path.of("docs/operating.md")));
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      s3.useInThisJvm();
      try (TestServer server =
          TestServer.start(dir.resolve("data"), s3.settings("metrics-docs", "sync"))) {
        work(server.client());
        Set<String> exposed = exposed(scrape(server.metricsUrl()));
        // A pattern that matched nothing would pass: a server exposes dozens of its own series.
        assertThat(exposed).as("series exposed").hasSizeGreaterThan(25);
        assertThat(exposed)
            .contains(
                "opend1_object_store_lag_seconds", "opend1_http_server_request_duration_seconds");
        assertThat(documented).as("series in docs/operating.md").containsAll(exposed);
      }
    }
  }

  @Test
  void seriesNamesAreReadAsPrometheusWritesThem() {
    String text =
        """
        # HELP opend1_checkpoint_seconds_max x
        # TYPE opend1_checkpoint_seconds_max gauge
        opend1_checkpoint_seconds_max 0.0
        opend1_checkpoint_seconds_count 2
        opend1_http_server_request_duration_seconds_bucket{le="0.001",method="GET"} 1
        opend1_open_databases 1.0
        jvm_threads_live_threads 30.0
        """;
    assertThat(exposed(text))
        .containsExactlyInAnyOrder(
            "opend1_checkpoint_seconds",
            "opend1_http_server_request_duration_seconds",
            "opend1_open_databases");
    assertThat(
            documented(
                """
                | `opend1_a_total`, `opend1_b_total` | counter | | what; like `opend1_c` |
                | `opend1_d` | gauge | | what |
                Prose naming `opend1_e` is not the table.
                """))
        .containsExactlyInAnyOrder("opend1_a_total", "opend1_b_total", "opend1_d");
  }

  /** Work that makes the lazily registered series appear: a write, a read, an error, an export. */
  private static void work(D1Client client) {
    String dbs = TestServer.databases();
    D1Client.Reply created = client.post(dbs, "{\"name\":\"metrics-docs\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String db = dbs + "/" + created.result().get("uuid").asText();
    assertThat(client.post(db + "/query", sql("CREATE TABLE t(a)")).status()).isEqualTo(200);
    assertThat(client.post(db + "/query", sql("SELECT * FROM t")).status()).isEqualTo(200);
    assertThat(client.post(db + "/query", sql("SELECT * FROM nowhere")).status()).isEqualTo(400);
    D1Client.Reply export = client.post(db + "/export", "{\"output_format\":\"polling\"}");
    assertThat(export.status()).as(export.body()).isEqualTo(200);
  }

  /** A /query body of one statement without quotes. */
  private static String sql(String statement) {
    return "{\"sql\":\"" + statement + "\"}";
  }

  private static String scrape(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The {@code opend1_} series of a scrape, by the name the docs give them. */
  static Set<String> exposed(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        names.add(SUFFIX.matcher(m.group(1)).replaceFirst(""));
      }
    }
    return names;
  }

  /** The series named in the first cell of a metrics table's rows. */
  static Set<String> documented(String page) {
    Set<String> names = new TreeSet<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      Matcher code = CODE.matcher(row.group(1));
      while (code.find()) {
        names.add(code.group(1));
      }
    }
    return names;
  }
}
