package dev.opend1.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak: a real server process, {@code --connections} clients (200) across {@code --databases}
 * databases (100) mixing reads, writes, batches, exports, imports and restores for {@code
 * --seconds} (600). Every answer must be a success, D1's documented backpressure (429 "overloaded")
 * or, for an import, the transfer directory's cap (counted apart); anything else is counted and
 * fails the run. The server's resident memory is sampled every 5 s (its heap every 30 s), and at
 * the end it prints latency percentiles per operation, the RSS's growth over the second half of the
 * run, and the data directory's growth per database against the history written meanwhile. Run it
 * with {@code bench/soak}.
 */
public final class Soak {

  static final String ACCOUNT = "000000000000000000000000000050a4";
  static final String TOKEN = "soak-token";
  static final String DBS = "/client/v4/accounts/" + ACCOUNT + "/d1/database";

  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
          .build();
  final Map<String, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
  final Map<String, AtomicLong> backpressure = new ConcurrentHashMap<>();

  /**
   * Imports refused at the transfer directory's cap ({@code --max-transfer-bytes}, 20 GB). The
   * server keeps every finished export for its URL's hour; before exports downloaded whole were
   * taken back for room, a 30-minute soak's exports passed the cap before the first of them
   * expired. A refusal there is the server's documented answer to a full directory, counted and
   * printed apart; it does not fail the run.
   */
  final Map<String, AtomicLong> capRefusals = new ConcurrentHashMap<>();

  final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  final List<String> errorSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicLong ids = new AtomicLong();
  ServerProcess server;
  List<String> dbs = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "600"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "200"));
    int databases = Integer.parseInt(opts.getOrDefault("databases", "100"));
    int failures = new Soak().run(seconds, connections, databases);
    System.exit(failures == 0 ? 0 : 1);
  }

  int run(int seconds, int connections, int databases) throws Exception {
    Path dir = Files.createTempDirectory("opend1-soak-");
    // Through the launcher, so the JVM runs with the options and environment a served one has
    // (bench/soak builds the jar first); a 512 MB heap at most, as the soak always had.
    server =
        ServerProcess.startLauncher(
            Path.of("opend1").toAbsolutePath(),
            dir,
            List.of("--restore-limit", "1000000"),
            Map.of(
                "OPEND1_ACCOUNT_ID",
                ACCOUNT,
                "OPEND1_API_TOKEN",
                TOKEN,
                "OPEND1_JAVA_OPTS",
                "-Xmx512m " + System.getenv().getOrDefault("OPEND1_JAVA_OPTS", "")));
    long pid = server.pid();
    try {
      for (int i = 0; i < databases; i++) {
        String db =
            DBS
                + "/"
                + call("POST", DBS, "{\"name\":\"soak" + i + "\"}").at("/result/uuid").asText();
        call(
            "POST",
            db + "/query",
            sql("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER)"));
        dbs.add(db);
      }
      System.out.printf(
          "soak: %d connections, %d databases, %d s, server pid %d, load average %s%n",
          connections, databases, seconds, pid, loadAverage());
      Disk before = disk(dir);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        clients.add(Thread.ofVirtual().start(() -> client(stop)));
      }
      List<long[]> rss = new ArrayList<>();
      int sample = 0;
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      while (System.nanoTime() < end && server.isAlive()) {
        Thread.sleep(Math.min(5_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        long kb = rssKb(pid);
        long t = (System.nanoTime() - start) / 1_000_000_000L;
        rss.add(new long[] {t, kb});
        long done = latencies.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum();
        // The heap's committed and used parts every 30 s: whether RSS grows with the heap or
        // outside it (SQLite, the JVM's own).
        String heap = "";
        if (sample++ % 6 == 0) {
          String metrics = get("/metrics").body();
          heap =
              String.format(
                  "  heap %d/%d MB used/committed  load %s",
                  metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"") >> 20,
                  metric(metrics, "jvm_memory_committed_bytes", "area=\"heap\"") >> 20,
                  loadAverage());
        }
        System.out.printf(
            "  %4d s  rss %4d MB  requests %d  429s %d  errors %d%s%n",
            t, kb / 1024, done, sum(backpressure), sum(errors), heap);
      }
      stop.set(true);
      for (Thread t : clients) {
        t.join(120_000);
      }
      report(rss);
      reportDisk(before, disk(dir), databases);
      return (int) sum(errors) + (server.isAlive() ? 0 : 1);
    } finally {
      server.close();
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static long sum(Map<String, AtomicLong> m) {
    return m.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private void report(List<long[]> rss) {
    System.out.println();
    System.out.printf(
        "%-8s %9s %9s %9s %9s %9s %9s%n",
        "op", "count", "p50 ms", "p90 ms", "p99 ms", "max ms", "429");
    for (var e : new TreeMap<>(latencies).entrySet()) {
      long[] v = e.getValue().stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(v);
      System.out.printf(
          "%-8s %9d %9.1f %9.1f %9.1f %9.1f %9d%n",
          e.getKey(),
          v.length,
          pct(v, 0.50),
          pct(v, 0.90),
          pct(v, 0.99),
          v.length == 0 ? 0 : v[v.length - 1] / 1e6,
          backpressure.getOrDefault(e.getKey(), new AtomicLong()).get());
    }
    long max = rss.stream().mapToLong(r -> r[1]).max().orElse(0);
    long last = rss.isEmpty() ? 0 : rss.getLast()[1];
    long firstQuarter =
        rss.stream()
            .filter(r -> r[0] >= rss.getLast()[0] / 4)
            .findFirst()
            .map(r -> r[1])
            .orElse(0L);
    System.out.printf(
        "server RSS: max %d MB, at a quarter of the run %d MB, at the end %d MB%n",
        max / 1024, firstQuarter / 1024, last / 1024);
    // The target: flat over the second half (less than 10% growth from its start to its end).
    long[] half =
        rss.stream().filter(r -> r[0] >= rss.getLast()[0] / 2).findFirst().orElse(new long[2]);
    long halfMax = rss.stream().filter(r -> r[0] >= half[0]).mapToLong(r -> r[1]).max().orElse(0);
    System.out.printf(
        "second half (from %d s): RSS %d MB -> %d MB at the end (%+.1f%%), at most %d MB"
            + " (%+.1f%%)%n",
        half[0],
        half[1] / 1024,
        last / 1024,
        growth(half[1], last),
        halfMax / 1024,
        growth(half[1], halfMax));
    // The endpoints catch the heap's committed size wherever G1 left it (it swings by 300 MB under
    // this load); the medians of the last two quarters say whether the level moves.
    long end = rss.getLast()[0];
    System.out.printf(
        "median RSS: third quarter %d MB, last quarter %d MB (%+.1f%%)%n",
        median(rss, end / 2, end * 3 / 4) / 1024,
        median(rss, end * 3 / 4, end + 1) / 1024,
        growth(median(rss, end / 2, end * 3 / 4), median(rss, end * 3 / 4, end + 1)));
    System.out.printf(
        "refused at the transfer directory's cap (400 \"Transfer storage is full\"): %s%n",
        capRefusals);
    System.out.printf("errors (not 2xx, not 429 overloaded): %s%n", errors);
    errorSamples.stream().limit(10).forEach(s -> System.out.println("  " + s));
    if (!errors.isEmpty()) {
      String log = server.stderr();
      int at = log.indexOf(" ERROR ");
      if (at >= 0) {
        System.out.println("first server error:");
        System.out.println(log.substring(at, Math.min(log.length(), at + 4000)));
      }
    }
  }

  /** The median of the RSS samples taken from {@code from} s to before {@code to} s. */
  private static long median(List<long[]> rss, long from, long to) {
    long[] v = rss.stream().filter(r -> r[0] >= from && r[0] < to).mapToLong(r -> r[1]).toArray();
    Arrays.sort(v);
    return v.length == 0 ? 0 : v[v.length / 2];
  }

  private static double growth(long from, long to) {
    return from == 0 ? 0 : 100.0 * (to - from) / from;
  }

  /**
   * What the data directory holds (walked here: the server's own disk gauges are up to 30 s old),
   * split into the databases' history ({@code db/ID/history/}, without the scratch files snapshots
   * are built in), those scratch files, the databases' other files ({@code db.sqlite}, its WAL,
   * {@code meta.json}), exports and imports waiting to expire ({@code transfer/}) and the rest
   * (catalog, analytics, results spilled to {@code tmp/}, restores being built); and what the
   * server says its histories wrote and removed (from /metrics).
   */
  record Disk(
      long history,
      long scratch,
      long databases,
      long transfers,
      long other,
      long records,
      long snapshots,
      long metadata,
      long removed) {
    long total() {
      return history + scratch + databases + transfers + other;
    }
  }

  private Disk disk(Path dir) throws IOException, InterruptedException {
    long[] bytes = new long[5];
    Path db = dir.resolve("db");
    try (var files = Files.walk(dir)) {
      files.forEach(
          p -> {
            try {
              if (Files.isRegularFile(p)) {
                boolean history =
                    p.startsWith(db) && p.getParent().getFileName().toString().equals("history");
                int part =
                    history
                        ? (p.getFileName().toString().endsWith(".tmp") ? 1 : 0)
                        : p.startsWith(db) ? 2 : p.startsWith(dir.resolve("transfer")) ? 3 : 4;
                bytes[part] += Files.size(p);
              }
            } catch (IOException e) {
              // A file removed while walking (a finished job's temporary): not there any more.
            }
          });
    }
    String m = get("/metrics").body();
    return new Disk(
        bytes[0],
        bytes[1],
        bytes[2],
        bytes[3],
        bytes[4],
        metric(m, "opend1_history_written_bytes_total"),
        metric(m, "opend1_history_snapshot_written_bytes_total"),
        metric(m, "opend1_history_metadata_written_bytes_total"),
        metric(m, "opend1_history_removed_bytes_total"));
  }

  /**
   * The disk's growth over the run against the history written meanwhile, in all and per database:
   * the history on disk should grow by what was written less what was removed, no more.
   */
  private static void reportDisk(Disk before, Disk after, int databases) {
    double mb = 1 << 20;
    long history = after.history() - before.history();
    long records = after.records() - before.records();
    long snapshots = after.snapshots() - before.snapshots();
    long metadata = after.metadata() - before.metadata();
    long removed = after.removed() - before.removed();
    long counted = records + snapshots + metadata - removed;
    System.out.printf(
        "disk: data directory %+.1f MB (history %+.1f MB, snapshots being built %+.1f MB,"
            + " databases' files %+.1f MB, exports and imports waiting to expire %+.1f MB,"
            + " the rest %+.1f MB)%n",
        (after.total() - before.total()) / mb,
        history / mb,
        (after.scratch() - before.scratch()) / mb,
        (after.databases() - before.databases()) / mb,
        (after.transfers() - before.transfers()) / mb,
        (after.other() - before.other()) / mb);
    System.out.printf(
        "history written: records %.1f MB + snapshots %.1f MB + small files %.2f MB - removed"
            + " %.2f MB = %.1f MB; on disk %+.1f MB, %+d bytes not counted%n",
        records / mb,
        snapshots / mb,
        metadata / mb,
        removed / mb,
        counted / mb,
        history / mb,
        history - counted);
    System.out.printf(
        "per database: data directory %+.2f MB, history %+.3f MB, history written less removed"
            + " %.3f MB (records %.3f MB, snapshots %.3f MB; on disk / counted: %.4f)%n",
        (after.total() - before.total()) / mb / databases,
        history / mb / databases,
        counted / mb / databases,
        records / mb / databases,
        snapshots / mb / databases,
        counted == 0 ? 0 : (double) history / counted);
  }

  /** The sum of a metric's samples whose labels contain every one of {@code labels}. */
  private static long metric(String text, String name, String... labels) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + " ") && !line.startsWith(name + "{")) {
        continue;
      }
      if (Arrays.stream(labels).allMatch(line::contains)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + " " + l[1] + " " + l[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** One client: picks an operation and a database at random, again and again. */
  private void client(AtomicBoolean stop) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (!stop.get()) {
      String db = dbs.get(r.nextInt(dbs.size()));
      int dice = r.nextInt(1000);
      String op =
          dice < 500
              ? "read"
              : dice < 800
                  ? "write"
                  : dice < 950
                      ? "batch"
                      : dice < 970 ? "export" : dice < 990 ? "import" : "restore";
      long t0 = System.nanoTime();
      try {
        boolean ok =
            switch (op) {
              case "read" ->
                  check(
                      op,
                      post(
                          db + "/query",
                          sql(
                              "SELECT count(*) AS c, max(id) AS m FROM t WHERE n % 7 = "
                                  + r.nextInt(7))));
              case "write" ->
                  check(
                      op,
                      post(
                          db + "/query",
                          sql(
                              "INSERT INTO t(v, n) VALUES ('"
                                  + "x".repeat(r.nextInt(10, 500))
                                  + "', "
                                  + ids.incrementAndGet()
                                  + ")")));
              case "batch" -> check(op, post(db + "/query", batch(r)));
              case "export" -> export(db);
              case "import" -> importOne(db);
              default -> restore(db);
            };
        if (ok) {
          latencies
              .computeIfAbsent(op, k -> new ConcurrentLinkedQueue<>())
              .add(System.nanoTime() - t0);
        }
      } catch (Exception e) {
        if (!stop.get()) {
          fail(op, "exception " + e);
        }
      }
    }
  }

  private String batch(ThreadLocalRandom r) {
    StringBuilder b = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < 5; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"sql\":\"INSERT INTO t(v, n) VALUES (?, ?)\",\"params\":[\"b")
          .append(r.nextInt())
          .append("\",")
          .append(ids.incrementAndGet())
          .append("]}");
    }
    return b.append(
            ",{\"sql\":\"DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY random() LIMIT 2)\"}]}")
        .toString();
  }

  /** True for a success; counts 429 overloaded as backpressure and anything else as an error. */
  private boolean check(String op, HttpResponse<String> reply) {
    if (reply.statusCode() == 200 || reply.statusCode() == 202) {
      return true;
    }
    if (reply.statusCode() == 429 && reply.body().contains("overloaded")) {
      backpressure.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
      return false;
    }
    if (reply.statusCode() == 400 && reply.body().contains("Transfer storage is full")) {
      capRefusals.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
      return false;
    }
    fail(op, reply.statusCode() + " " + reply.body());
    return false;
  }

  private void fail(String op, String what) {
    errors.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
    if (errorSamples.size() < 50) {
      errorSamples.add(op + ": " + what.substring(0, Math.min(300, what.length())));
    }
  }

  private boolean export(String db) throws Exception {
    HttpResponse<String> r = post(db + "/export", "{\"output_format\":\"polling\"}");
    while (true) {
      if (!check("export", r)) {
        return false;
      }
      JsonNode j = D1Client.JSON.readTree(r.body());
      String status = j.at("/result/status").asText();
      if (status.equals("complete")) {
        HttpResponse<String> file =
            http.send(
                HttpRequest.newBuilder(URI.create(j.at("/result/result/signed_url").asText()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return check("export", file);
      }
      if (!status.equals("active")) {
        // A restore of the same database fails a running export, saying so: documented.
        if (j.at("/result/error").asText().contains("restored")) {
          return false;
        }
        fail("export", r.body());
        return false;
      }
      r =
          post(
              db + "/export",
              "{\"output_format\":\"polling\",\"current_bookmark\":\""
                  + j.at("/result/at_bookmark").asText()
                  + "\"}");
    }
  }

  private boolean importOne(String db) throws Exception {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sql.append("INSERT INTO t(v, n) VALUES ('imported', ")
          .append(ids.incrementAndGet())
          .append(");\n");
    }
    byte[] bytes = sql.toString().getBytes(StandardCharsets.UTF_8);
    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    HttpResponse<String> init =
        post(db + "/import", "{\"action\":\"init\",\"etag\":\"" + etag + "\"}");
    if (!check("import", init)) {
      return false;
    }
    JsonNode i = D1Client.JSON.readTree(init.body());
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(i.at("/result/upload_url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (!check("import", put)) {
      return false;
    }
    HttpResponse<String> s =
        post(
            db + "/import",
            "{\"action\":\"ingest\",\"etag\":\""
                + etag
                + "\",\"filename\":\""
                + i.at("/result/filename").asText()
                + "\"}");
    while (true) {
      if (!check("import", s)) {
        return false;
      }
      JsonNode j = D1Client.JSON.readTree(s.body());
      String status = j.at("/result/status").asText();
      if (status.equals("complete")) {
        return true;
      }
      if (!status.equals("active")) {
        fail("import", s.body());
        return false;
      }
      s =
          post(
              db + "/import",
              "{\"action\":\"poll\",\"current_bookmark\":\""
                  + j.at("/result/at_bookmark").asText()
                  + "\"}");
    }
  }

  private boolean restore(String db) throws Exception {
    HttpResponse<String> b = get(db + "/time_travel/bookmark");
    if (!check("restore", b)) {
      return false;
    }
    String bookmark = D1Client.JSON.readTree(b.body()).at("/result/bookmark").asText();
    return check("restore", post(db + "/time_travel/restore?bookmark=" + bookmark, ""));
  }

  private static String sql(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    return D1Client.JSON.readTree(post(path, body).body());
  }
}
