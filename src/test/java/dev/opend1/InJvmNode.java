package dev.opend1;

import dev.opend1.api.ApiServer;
import dev.opend1.catalog.CachingCatalog;
import dev.opend1.catalog.Catalog;
import dev.opend1.config.ConfigLoader;
import dev.opend1.config.ServerConfig;
import dev.opend1.engine.DataDirectory;
import dev.opend1.testing.D1Client;
import dev.opend1.testing.Postgres;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A server on a shared PostgreSQL catalog in this JVM, built by the same steps as {@code serve}
 * (the catalog for a server, the configured account and token, the wiring and its recovery, the
 * HTTP server), for tests of several nodes that need to reach into one of them.
 */
final class InJvmNode implements AutoCloseable {

  static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  static final String TOKEN = "token-of-every-node";

  private final DataDirectory dataDir;
  private final Catalog catalog;
  private final Wiring parts;
  private final ApiServer server;

  private InJvmNode(Path dir, String catalogUrl, Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("port", "0");
    flags.put("data-dir", dir.toString());
    flags.put("catalog", catalogUrl);
    flags.put("account-id", ACCOUNT);
    flags.put("api-token", TOKEN);
    ServerConfig config = ConfigLoader.load(flags, Map.of("PGPASSWORD", Postgres.PASSWORD));
    dataDir = DataDirectory.acquire(config.dataDir());
    catalog = new CachingCatalog(CatalogOpener.forServer(config.catalog(), dataDir.root()));
    ServeCommand.ensureConfiguredToken(config, catalog);
    parts = Wiring.of(config, dataDir.root(), catalog);
    server = new ApiServer(config, parts.services());
  }

  static InJvmNode start(Path dir, String catalogUrl) {
    return new InJvmNode(dir, catalogUrl, Map.of());
  }

  /** A node with more settings (flags without their dashes). */
  static InJvmNode start(Path dir, String catalogUrl, Map<String, String> settings) {
    return new InJvmNode(dir, catalogUrl, settings);
  }

  Wiring parts() {
    return parts;
  }

  Catalog catalog() {
    return catalog;
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

  @Override
  public void close() {
    server.close();
    parts.close();
    catalog.close();
    try {
      dataDir.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
