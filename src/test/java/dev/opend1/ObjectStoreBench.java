package dev.opend1;

import dev.opend1.engine.DurableFiles;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object store's costs, measured (not asserted), for {@code bench/run object-store}: durable
 * single-row INSERTs with 16 connections in {@code sync} mode as a ratio to no store, the upload
 * lag under that load in {@code async} mode, and {@code recover}'s rate against copying the same
 * objects with the AWS SDK alone. Against s3proxy on loopback. Writes {@code
 * bench/results/object-store.txt}.
 */
@Tag("bench")
class ObjectStoreBench {

  static final int CONNECTIONS = 16;
  static final long SECONDS = Long.getLong("bench.seconds", 10);
  static final String DBS = "/client/v4/accounts/" + TestServer.ACCOUNT.value() + "/d1/database";

  @TempDir Path dir;

  @Test
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    try (S3Proxy s3 = S3Proxy.start(dir.resolve("s3"))) {
      s3.useInThisJvm();
      double none = inserts(dir.resolve("none"), Map.of(), null);
      double sync = inserts(dir.resolve("sync"), s3.settings("sync", "sync"), null);
      List<Double> lags = Collections.synchronizedList(new ArrayList<>());
      double async = inserts(dir.resolve("async"), s3.settings("async", "async"), lags);
      // The physical limit: what s3proxy here takes from the AWS SDK alone, small objects.
      double put1 = putRate(s3, 1);
      double put8 = putRate(s3, 8);
      report.add(
          "raw PUT/s of 4 KB objects, AWS SDK alone, If-None-Match: 1 in flight %.0f (%.1f ms each),"
                  .formatted(put1, 1000 / put1)
              + " 8 in flight %.0f".formatted(put8));
      report.add("INSERT/s, 16 connections, no store:    %.0f".formatted(none));
      report.add(
          "INSERT/s, 16 connections, sync:        %.0f (%.2fx)".formatted(sync, sync / none));
      report.add(
          "INSERT/s, 16 connections, async:       %.0f (%.2fx)".formatted(async, async / none));
      List<Double> sorted = new ArrayList<>(lags);
      Collections.sort(sorted);
      report.add(
          "async upload lag under that load: p50 %.3f s, p99 %.3f s, max %.3f s (%d samples)"
              .formatted(pct(sorted, 0.50), pct(sorted, 0.99), sorted.getLast(), sorted.size()));

      // recover the sync run's bucket, against the SDK copying the same objects alone.
      Path target = dir.resolve("recovered");
      long t0 = System.nanoTime();
      ServerProcess.Output out =
          Commands.run(
              "recover",
              "--from",
              "s3://" + S3Proxy.BUCKET + "/sync",
              "--object-store-endpoint",
              s3.endpoint(),
              "--data-dir",
              target.toString());
      double recoverSeconds = (System.nanoTime() - t0) / 1e9;
      if (out.exitCode() != 0) {
        throw new AssertionError(out.stdout() + out.stderr());
      }
      long[] sdk = sdkCopy(s3, "sync/", dir.resolve("sdk-copy"));
      double sdkSeconds = sdk[1] / 1e9;
      double mb = sdk[0] / 1e6;
      report.add(
          "recover: %.1f MB in %.2f s = %.1f MB/s; AWS SDK copy alone: %.2f s = %.1f MB/s (%.2fx)"
              .formatted(
                  mb,
                  recoverSeconds,
                  mb / recoverSeconds,
                  sdkSeconds,
                  mb / sdkSeconds,
                  sdkSeconds / recoverSeconds));
    }
    String text =
        "# object store, measured by ObjectStoreBench (s3proxy on loopback, "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + SECONDS
            + " s per load)\n"
            + String.join("\n", report)
            + "\n"
            + "load average at the end (1, 5, 15 min; other work on the machine skews the figures): "
            + loadAverage()
            + "\n";
    System.out.print(text);
    Path results = Path.of("bench", "results", "object-store.txt");
    Files.createDirectories(results.getParent());
    Files.writeString(results, text);
  }

  /** The machine's load averages ({@code /proc/loadavg}), or "unknown" where there is none. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** INSERTs per second from 16 writers; samples the upload lag into {@code lags} when given. */
  static double inserts(Path data, Map<String, String> settings, List<Double> lags)
      throws Exception {
    Map<String, String> s = new HashMap<>(settings);
    try (TestServer server = TestServer.start(data, s)) {
      D1Client c = server.client();
      String db = c.post(DBS, "{\"name\":\"bench\"}").result().path("uuid").asText();
      c.post(DBS + "/" + db + "/query", "{\"sql\":\"CREATE TABLE t (x)\"}");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong done = new AtomicLong();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest insert =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + DBS + "/" + db + "/query"))
              .header("Authorization", "Bearer " + TestServer.TOKEN)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"sql\":\"INSERT INTO t VALUES (?)\",\"params\":[42]}"))
              .build();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (!stop.get()) {
                        try {
                          if (http.send(insert, HttpResponse.BodyHandlers.discarding()).statusCode()
                              == 200) {
                            done.incrementAndGet();
                          }
                        } catch (Exception e) {
                          return;
                        }
                      }
                    }));
      }
      Thread.sleep(2000); // warm up
      long before = done.get();
      long start = System.nanoTime();
      long end = start + SECONDS * 1_000_000_000L;
      while (System.nanoTime() < end) {
        Thread.sleep(100);
        if (lags != null) {
          lags.add(lag(http, server));
        }
      }
      double rate = (done.get() - before) / ((System.nanoTime() - start) / 1e9);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      return rate;
    }
  }

  static double lag(HttpClient http, TestServer server) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(server.metricsUrl())).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : body.split("\n")) {
      if (line.startsWith("opend1_object_store_lag_seconds ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return 0;
  }

  /** A plain AWS SDK client for {@code s3}, configured as the server's is. */
  static S3Client sdk(S3Proxy s3) {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3Proxy.IDENTITY, S3Proxy.CREDENTIAL)))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .endpointOverride(URI.create(s3.endpoint()))
        .build();
  }

  /**
   * PUTs per second of new 4 KB objects ({@code If-None-Match: *}, as the server writes them) with
   * {@code inFlight} threads for half a load's length, after a second's warm-up: the most uploads
   * per second any shipper could make here.
   */
  static double putRate(S3Proxy s3, int inFlight) throws Exception {
    byte[] body = new byte[4096];
    AtomicLong done = new AtomicLong();
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    try (S3Client client = sdk(s3)) {
      for (int t = 0; t < inFlight; t++) {
        String prefix = "puts-" + inFlight + "/" + t + "/";
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (long n = 0; !stop.get(); n++) {
                        String key = prefix + "%016d".formatted(n);
                        client.putObject(
                            b -> b.bucket(S3Proxy.BUCKET).key(key).ifNoneMatch("*"),
                            RequestBody.fromBytes(body));
                        if (counting.get()) {
                          done.incrementAndGet();
                        }
                      }
                    }));
      }
      Thread.sleep(1000);
      counting.set(true);
      long start = System.nanoTime();
      Thread.sleep(SECONDS * 500);
      double rate = done.get() / ((System.nanoTime() - start) / 1e9);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      return rate;
    }
  }

  /** Copies every object under {@code prefix} with the SDK alone; bytes and nanoseconds. */
  static long[] sdkCopy(S3Proxy s3, String prefix, Path into) throws Exception {
    DurableFiles.createDirectory(into);
    try (S3Client client = sdk(s3)) {
      long start = System.nanoTime();
      long bytes = 0;
      int n = 0;
      for (S3Object o :
          client.listObjectsV2Paginator(b -> b.bucket(S3Proxy.BUCKET).prefix(prefix)).contents()) {
        Path file = into.resolve("o" + n++);
        client.getObject(b -> b.bucket(S3Proxy.BUCKET).key(o.key()), file);
        bytes += o.size();
      }
      return new long[] {bytes, System.nanoTime() - start};
    }
  }

  static double pct(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }
}
