package dev.opend1;

import dev.opend1.api.ApiServer;
import dev.opend1.api.Services;
import dev.opend1.catalog.CachingCatalog;
import dev.opend1.catalog.Catalog;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.config.ConfigLoader;
import dev.opend1.config.ServerConfig;
import dev.opend1.engine.DataDirectory;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.S3Proxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A server on a shared PostgreSQL catalog in this JVM, built by the same steps as {@code serve}
 * (the catalog for a server, the configured account and token, the wiring and its recovery, joining
 * the cluster and its forwarding for a member, the HTTP server), for tests of several nodes that
 * need to reach into one of them.
 */
final class InJvmNode implements AutoCloseable {

  static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "token-of-every-node";

  /** The secret every member started by {@link #member} shares. */
  static final String SECRET = "the-secret-of-the-test-cluster";

  private final DataDirectory dataDir;
  private final Catalog catalog;
  private final Wiring parts;
  private final Membership membership;
  private final ApiServer server;

  private InJvmNode(
      Path dir, String catalogUrl, Map<String, String> settings, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.putIfAbsent("port", "0");
    flags.put("data-dir", dir.toString());
    flags.put("catalog", catalogUrl);
    flags.put("account-id", ACCOUNT);
    flags.put("api-token", TOKEN);
    Map<String, String> variables = new HashMap<>(env);
    variables.put("PGPASSWORD", Postgres.PASSWORD);
    ServerConfig config = ConfigLoader.load(flags, variables);
    dataDir = DataDirectory.acquire(config.dataDir());
    catalog = new CachingCatalog(CatalogOpener.forServer(config.catalog(), dataDir.root()));
    ServeCommand.ensureConfiguredToken(config, catalog);
    // A member registers before its parts are built, as serve does: its leases name it in nodes.
    membership =
        config.cluster().isPresent()
            ? ServeCommand.join(config.cluster().get(), catalog, dataDir)
            : null;
    parts = Wiring.of(config, dataDir.root(), catalog);
    Services services = parts.services();
    if (membership != null) {
      services = services.withForwarding(ServeCommand.forwarding(catalog, membership.self()));
      ServeCommand.reportReplicas(membership, parts);
    }
    server = new ApiServer(config, services);
  }

  static InJvmNode start(Path dir, String catalogUrl) {
    return new InJvmNode(dir, catalogUrl, Map.of(), Map.of());
  }

  /**
   * A member of a cluster on the catalog and a bucket of {@code s3}, on a free loopback port that
   * is its advertise URL ({@code https://} when {@code settings} has a {@code tls-cert}), with
   * {@code settings} besides. Its prefix in the bucket is its directory's name unless {@code
   * settings} names an {@code object-store}.
   */
  static InJvmNode member(Path dir, String catalogUrl, S3Proxy s3, Map<String, String> settings) {
    s3.useInThisJvm();
    int port = freePort();
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("port", Integer.toString(port));
    String scheme = settings.containsKey("tls-cert") ? "https" : "http";
    flags.put("advertise-url", scheme + "://127.0.0.1:" + port);
    flags.putIfAbsent("object-store", "s3://" + S3Proxy.BUCKET + "/" + dir.getFileName());
    flags.put("object-store-endpoint", s3.endpoint());
    return new InJvmNode(dir, catalogUrl, flags, Map.of("OPEND1_CLUSTER_SECRET", SECRET));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node with more settings (flags without their dashes). */
  static InJvmNode start(Path dir, String catalogUrl, Map<String, String> settings) {
    return new InJvmNode(dir, catalogUrl, settings, Map.of());
  }

  Wiring parts() {
    return parts;
  }

  Catalog catalog() {
    return catalog;
  }

  /** The member's id in the cluster. */
  NodeId id() {
    return membership.self();
  }

  int port() {
    return server.port();
  }

  D1Client client() {
    return new D1Client(
        "http://127.0.0.1:" + server.port(), Map.of("Authorization", "Bearer " + TOKEN));
  }

  /** The node's {@code GET /metrics}, on its main port. */
  String metrics() {
    return new D1Client("http://127.0.0.1:" + server.port(), Map.of()).get("/metrics").body();
  }

  static String databases() {
    return "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  }

  /**
   * Creates a database on this member, which takes its lease: the create is sent marked as
   * forwarded (with the secret), and a forwarded create is made where it arrives. Returns its id.
   */
  String createHere(String name) {
    D1Client.Reply r =
        client()
            .send(
                java.net.http.HttpRequest.newBuilder(client().uri(databases()))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("x-opend1-forwarded", "1")
                    .header("x-opend1-cluster-secret", SECRET)
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"" + name + "\"}"))
                    .build());
    if (r.status() != 200) {
      throw new IllegalStateException("create " + name + ": " + r.body());
    }
    return r.result().path("uuid").asText();
  }

  /** Whether {@link #silence} closed the server already. */
  private boolean silenced;

  /**
   * The node stops answering and heartbeating but keeps renewing its leases, as a node cut off from
   * the others but not from PostgreSQL would: connections to it are refused, and after {@link
   * Membership#LIVENESS} the others no longer count it alive while its leases stay in force.
   */
  void silence() {
    silenced = true;
    server.close();
    membership.stopHeartbeats();
  }

  @Override
  public void close() {
    if (!silenced) {
      server.close();
    }
    // As serve stops: takes end and leases are given back (parts) before the node is marked left.
    parts.close();
    if (membership != null) {
      membership.close();
    }
    catalog.close();
    try {
      dataDir.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
