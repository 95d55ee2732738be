package dev.opend1.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of real opend1 node processes on loopback: N nodes ({@link ServerProcess}, each with
 * its own data directory and port, advertised as {@code http://127.0.0.1:PORT}) on one PostgreSQL
 * catalog and one s3proxy bucket, which the fixture starts and stops itself; PostgreSQL is the
 * test's ({@link PostgresDatabase}), one fresh database per cluster. Every node is given the same
 * account and API token, so one client works against any of them.
 */
public final class ClusterNodes implements AutoCloseable {

  public static final String ACCOUNT = "00000000000000000000000000c1a57e";
  public static final String TOKEN = "cluster-nodes-test-token";
  private static final String SECRET = "cluster-nodes-test-secret";

  /** How long the driver's requests may take. */
  private static final Duration REQUEST = Duration.ofSeconds(60);

  private final Path dir;
  private final String catalogUrl;
  private final Duration leaseTtl;
  private final S3Proxy s3;
  private final List<String> extraFlags;
  private final ServerProcess[] nodes;
  private final int[] ports;

  private ClusterNodes(
      Path dir, String catalogUrl, Duration leaseTtl, List<String> extraFlags, S3Proxy s3, int n) {
    this.dir = dir;
    this.catalogUrl = catalogUrl;
    this.leaseTtl = leaseTtl;
    this.extraFlags = extraFlags;
    this.s3 = s3;
    this.nodes = new ServerProcess[n];
    this.ports = new int[n];
  }

  /**
   * Starts s3proxy and {@code n} nodes, one after the other, with leases of {@code leaseTtl}; waits
   * until every node serves.
   */
  public static ClusterNodes start(int n, Path dir, PostgresDatabase pg, Duration leaseTtl)
      throws IOException, InterruptedException {
    return start(n, dir, pg, leaseTtl, List.of());
  }

  /**
   * As {@link #start(int, Path, PostgresDatabase, Duration)}, each node given {@code flags} too.
   */
  public static ClusterNodes start(
      int n, Path dir, PostgresDatabase pg, Duration leaseTtl, List<String> flags)
      throws IOException, InterruptedException {
    return start(n, dir, pg.server().catalogUrl(pg.fresh()), leaseTtl, flags);
  }

  /**
   * As {@link #start(int, Path, PostgresDatabase, Duration, List)}, on the catalog {@code
   * catalogUrl} (an empty database of a PostgreSQL server the test started itself, to stop it).
   */
  public static ClusterNodes start(
      int n, Path dir, String catalogUrl, Duration leaseTtl, List<String> flags)
      throws IOException, InterruptedException {
    S3Proxy s3 = S3Proxy.start(dir.resolve("s3"));
    ClusterNodes c = new ClusterNodes(dir, catalogUrl, leaseTtl, flags, s3, n);
    try {
      // One after the other: JVMs starting at once on a loaded machine each start slower.
      for (int i = 0; i < n; i++) {
        c.ports[i] = freePort();
        c.restart(i);
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * As {@link #start(int, Path, PostgresDatabase, Duration)} but starts no node: s3proxy runs and
   * each node's port is chosen; {@link #restart} starts a node when the test wants it (after a
   * standalone server wrote to the bucket, say).
   */
  public static ClusterNodes prepare(int n, Path dir, PostgresDatabase pg, Duration leaseTtl)
      throws IOException, InterruptedException {
    S3Proxy s3 = S3Proxy.start(dir.resolve("s3"));
    ClusterNodes c =
        new ClusterNodes(dir, pg.server().catalogUrl(pg.fresh()), leaseTtl, List.of(), s3, n);
    for (int i = 0; i < n; i++) {
      c.ports[i] = freePort();
    }
    return c;
  }

  /** The bucket prefix every node ships to, as {@code --object-store} takes it. */
  public static String bucketUrl() {
    return "s3://" + S3Proxy.BUCKET + "/cluster";
  }

  /** Node {@code i}'s data directory. */
  public Path dataDir(int i) {
    return dir.resolve("node-" + i);
  }

  /** Starts node {@code i} (again, after a kill) on its port and data directory. */
  public void restart(int i) throws IOException {
    restart(i, s3.endpoint());
  }

  /**
   * As {@link #restart(int)}, reaching the bucket through {@code endpoint} (a relay in front of
   * s3proxy that holds or loses requests).
   */
  public void restart(int i, String endpoint) throws IOException {
    Map<String, String> env = new HashMap<>(s3.env());
    env.put("PGPASSWORD", Postgres.PASSWORD);
    env.put("OPEND1_CLUSTER_SECRET", SECRET);
    env.put("OPEND1_ACCOUNT_ID", ACCOUNT);
    env.put("OPEND1_API_TOKEN", TOKEN);
    List<String> flags =
        new java.util.ArrayList<>(
            List.of(
                "--catalog",
                catalogUrl,
                "--object-store",
                bucketUrl(),
                "--object-store-endpoint",
                endpoint,
                "--advertise-url",
                "http://127.0.0.1:" + ports[i],
                "--cluster-lease-ttl",
                Long.toString(leaseTtl.toMillis())));
    flags.addAll(extraFlags);
    if (nodes[i] != null) {
      keepLog(i, nodes[i]);
    }
    nodes[i] = ServerProcess.start(dir.resolve("node-" + i), ports[i], List.of(), flags, env);
  }

  /** Node {@code i}'s id, as it keeps it in its data directory. */
  public String nodeId(int i) throws IOException {
    return java.nio.file.Files.readString(dir.resolve("node-" + i).resolve("node-id")).strip();
  }

  /**
   * The catalog every node uses ({@code postgresql://...}; the password is PostgreSQL's test one).
   */
  public String catalogUrl() {
    return catalogUrl;
  }

  /**
   * The node holding the database's lease in force, by index, or -1 when none does (it lapsed, or
   * is changing hands): read from PostgreSQL.
   */
  public int owner(String db) throws IOException {
    try (java.sql.Connection c = connect();
        java.sql.PreparedStatement st =
            c.prepareStatement(
                "SELECT owner FROM database_leases WHERE database_id = ? AND expires_at > now()")) {
      st.setString(1, db);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          String owner = rs.getString(1);
          for (int i = 0; i < nodes.length; i++) {
            if (nodeId(i).equals(owner)) {
              return i;
            }
          }
        }
        return -1;
      }
    } catch (java.sql.SQLException e) {
      throw new IOException("reading the lease of " + db, e);
    }
  }

  /** Node {@code i}'s {@code /metrics} scrape. */
  public String metrics(int i) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(nodes[i].baseUrl() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics of node " + i + ": " + r.body());
    }
    return r.body();
  }

  /** The value of an unlabelled series in a scrape. */
  public static double series(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not in the scrape"));
  }

  /**
   * How many of {@code dbs} have a lease in force held by node {@code i} (read from PostgreSQL).
   */
  public int leasesHeld(List<String> dbs, int i) throws IOException {
    try (java.sql.Connection c = connect();
        java.sql.PreparedStatement st =
            c.prepareStatement(
                "SELECT count(*) FROM database_leases WHERE database_id = ANY(?)"
                    + " AND owner = ? AND expires_at > now()")) {
      st.setArray(1, c.createArrayOf("text", dbs.toArray()));
      st.setString(2, nodeId(i));
      try (java.sql.ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IOException("counting the leases of node " + i, e);
    }
  }

  /** A connection to the cluster's PostgreSQL catalog, as its user. */
  public java.sql.Connection connect() throws java.sql.SQLException {
    String jdbc =
        "jdbc:" + catalogUrl.replace("postgresql://" + Postgres.USER + "@", "postgresql://");
    return java.sql.DriverManager.getConnection(jdbc, Postgres.USER, Postgres.PASSWORD);
  }

  /** Stops node {@code i} as an operator does (SIGTERM), and waits for it to exit. */
  public int stop(int i) throws InterruptedException {
    nodes[i].signalTerm();
    return nodes[i].awaitExit(Duration.ofMinutes(2));
  }

  /** Node {@code i}'s process. */
  public ServerProcess node(int i) {
    return nodes[i];
  }

  public int size() {
    return nodes.length;
  }

  /** A client of node {@code i}, as the account's token; requests time out after {@code limit}. */
  public D1Client client(int i, Duration limit) {
    return new D1Client(nodes[i].baseUrl(), Map.of("Authorization", "Bearer " + TOKEN), limit);
  }

  /**
   * A client of node {@code i} whose requests arrive as if another node had forwarded them (the hop
   * marker and the secret): node {@code i} serves them itself, a create is made there rather than
   * placed, and nothing is forwarded on.
   */
  public D1Client servedBy(int i, Duration limit) {
    return new D1Client(
        nodes[i].baseUrl(),
        Map.of(
            "Authorization",
            "Bearer " + TOKEN,
            "x-opend1-forwarded",
            "1",
            "x-opend1-cluster-secret",
            SECRET),
        limit);
  }

  /**
   * Creates a database on node {@code i} itself (as a create placed there arrives); its UUID, or an
   * {@link IllegalStateException} with the answer when not created.
   */
  public String create(int i, String name) {
    D1Client.Reply r = servedBy(i, REQUEST).post(databases(), "{\"name\":\"" + name + "\"}");
    if (r.status() != 200) {
      throw new IllegalStateException("create " + name + " on node " + i + ": " + r.body());
    }
    return r.result().path("uuid").asText();
  }

  /** {@code sql} sent to node {@code i} as a client sends it (forwarded to the owner). */
  public D1Client.Reply query(int i, String db, String sql) {
    return client(i, REQUEST).post(queryPath(db), queryBody(sql));
  }

  /** {@code sql} that node {@code i} must serve itself (marked as forwarded to it already). */
  public D1Client.Reply queryServedBy(int i, String db, String sql) {
    return servedBy(i, REQUEST).post(queryPath(db), queryBody(sql));
  }

  /** The integers in column {@code v} of table {@code t}, from {@code v >= 0}, through node i. */
  public java.util.Set<Integer> values(int i, String db) {
    D1Client.Reply r = query(i, db, "SELECT v FROM t WHERE v >= 0 ORDER BY v");
    if (r.status() != 200) {
      throw new IllegalStateException("read t through node " + i + ": " + r.body());
    }
    java.util.Set<Integer> out = new java.util.TreeSet<>();
    for (com.fasterxml.jackson.databind.JsonNode row : r.result().path(0).path("results")) {
      out.add(row.path("v").asInt());
    }
    return out;
  }

  private static String queryPath(String db) {
    return databases() + "/" + db + "/query";
  }

  private static String queryBody(String sql) {
    return D1Client.JSON.createObjectNode().put("sql", sql).toString();
  }

  /** The path of the account's databases, as a client asks for them. */
  public static String databases() {
    return "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  }

  public S3Proxy s3() {
    return s3;
  }

  /** Stops every node still running (SIGTERM, then a kill), then s3proxy. */
  @Override
  public void close() {
    for (int i = 0; i < nodes.length; i++) {
      ServerProcess p = nodes[i];
      if (p != null) {
        try {
          p.signal("CONT"); // a node a test left frozen stops too
        } catch (IOException | InterruptedException | RuntimeException ignored) {
          // gone already
        }
        p.close();
        keepLog(i, p);
      }
    }
    s3.close();
  }

  /**
   * Appends a node process's output to {@code target/node-logs/<the test's
   * directory>/node-<i>.log}: the test's directory is deleted, and a failure that shows only in a
   * run of the whole suite (a request answered 500 during a rolling restart, once) needs the nodes'
   * own account of it.
   */
  private void keepLog(int i, ServerProcess p) {
    try {
      Path logs = Path.of("target", "node-logs", dir.getFileName().toString());
      java.nio.file.Files.createDirectories(logs);
      java.nio.file.Files.writeString(
          logs.resolve("node-" + i + ".log"),
          p.stdout() + p.stderr(),
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      System.err.println("node " + i + "'s output not kept: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
