package dev.opend1.testing;

import dev.opend1.api.ApiServer;
import dev.opend1.api.Services;
import dev.opend1.catalog.CachingCatalog;
import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.SqliteCatalog;
import dev.opend1.config.ConfigLoader;
import dev.opend1.config.ServerConfig;
import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import dev.opend1.engine.DataDirectory;
import dev.opend1.engine.Engine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A real opend1 server on port 0 over a temporary data directory, with two accounts and tokens of
 * each kind, for tests that speak HTTP to it.
 */
public final class TestServer implements AutoCloseable {

  /** The account the tests mostly act on, and its full-rights token. */
  public static final AccountId ACCOUNT = new AccountId("0123456789abcdef0123456789abcdef");

  public static final String TOKEN = "test-edit-token";

  private final DataDirectory dataDir;
  private final Catalog catalog;
  private final ApiServer server;
  private final Engine engine;
  private final dev.opend1.Wiring parts;
  private final String readToken;
  private final AccountId otherAccount;
  private final String otherToken;
  private final String scheme;

  private TestServer(Path dir, Map<String, String> settings, UnaryOperator<Services> edge) {
    Map<String, String> flags = new HashMap<>(settings);
    flags.put("port", "0");
    flags.put("data-dir", dir.toString());
    flags.put("account-id", ACCOUNT.value());
    flags.put("api-token", TOKEN);
    ServerConfig config = ConfigLoader.load(flags, Map.of());
    this.scheme = config.tls().isPresent() ? "https" : "http";
    this.dataDir = DataDirectory.acquire(config.dataDir());
    this.catalog = new CachingCatalog(SqliteCatalog.open(dataDir.layout().catalogFile()));
    catalog.accounts().ensure(ACCOUNT, "test");
    catalog.tokens().ensure(ACCOUNT, TOKEN, "test", Permission.EDIT);
    this.readToken =
        catalog.tokens().create(ACCOUNT, "reader", Permission.READ, Optional.empty()).secret();
    this.otherAccount = catalog.accounts().create("other").id();
    this.otherToken =
        catalog.tokens().create(otherAccount, "other", Permission.EDIT, Optional.empty()).secret();
    this.parts = dev.opend1.Wiring.of(config, dataDir.root(), catalog);
    this.engine = parts.engine();
    this.server = new ApiServer(config, edge.apply(parts.services()));
  }

  /** Starts a server with default settings. */
  public static TestServer start(Path dir) {
    return new TestServer(dir, Map.of(), UnaryOperator.identity());
  }

  /**
   * Starts a server whose HTTP edge gets the services {@code edge} makes of the real ones: a test
   * that must act between two steps of a request wraps the service it calls.
   */
  public static TestServer start(Path dir, UnaryOperator<Services> edge) {
    return new TestServer(dir, Map.of(), edge);
  }

  /** Starts a server with some settings changed, keyed by setting name ({@code max-body-bytes}). */
  public static TestServer start(Path dir, Map<String, String> settings) {
    return new TestServer(dir, settings, UnaryOperator.identity());
  }

  /** A client with the full-rights token of {@link #ACCOUNT}. */
  public D1Client client() {
    return new D1Client(baseUrl(), Map.of("Authorization", "Bearer " + TOKEN));
  }

  /** A client sending exactly these headers (or none). */
  public D1Client client(Map<String, String> headers) {
    return new D1Client(baseUrl(), headers);
  }

  public D1Client readOnlyClient() {
    return client(Map.of("Authorization", "Bearer " + readToken));
  }

  /** A client whose token belongs to another account. */
  public D1Client otherAccountClient() {
    return client(Map.of("Authorization", "Bearer " + otherToken));
  }

  public AccountId otherAccount() {
    return otherAccount;
  }

  public Engine engine() {
    return engine;
  }

  public Catalog catalog() {
    return catalog;
  }

  public Path dataDir() {
    return dataDir.root();
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  public String baseUrl() {
    return scheme + "://127.0.0.1:" + server.port();
  }

  /** Where {@code GET /metrics} is served: the main port, or {@code metrics-port}. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + server.metricsPort() + "/metrics";
  }

  /** The path prefix of the test account's databases. */
  public static String databases() {
    return "/client/v4/accounts/" + ACCOUNT + "/d1/database";
  }

  @Override
  public void close() throws java.io.IOException {
    server.close();
    parts.close();
    catalog.close();
    dataDir.close();
  }
}
