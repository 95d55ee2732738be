package dev.opend1.api;

import dev.opend1.config.ConfigException;
import dev.opend1.config.ServerConfig;
import dev.opend1.core.D1Exception;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: routes, authentication order, and the one place where errors become responses.
 *
 * <p>For every account-scoped route the checks run in one order: credentials (401), the token's
 * account against the path's (403 7403, before anything in the path is looked at, so a token never
 * learns about another account's databases), the token's rights (403 10000), then the database (404
 * 7404).
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String V4 = "/client/v4";
  private static final String DATABASES = V4 + "/accounts/{account}/d1/database";

  /** Extra time, past the longest request, that a stop waits for running requests. */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  private final Javalin app;

  /** A cluster member's forwarding, whose connections to the other nodes close with it; or null. */
  private final ForwardingRoutes forwarding;

  /** The separate listener for {@code GET /metrics} ({@code metrics-port}), or null. */
  private final Javalin metricsApp;

  /** What {@code GET /metrics} shows; closed with the server. */
  private final Metrics metrics;

  /** Counts running requests; refuses new ones once the server stops. */
  private final Draining draining = new Draining();

  /** How long a stop waits for running requests. */
  private final Duration stopGrace;

  /**
   * Whether the path holds a '%' not followed by two hex digits. A scan, not a regex: it runs for
   * every request.
   */
  static boolean hasBadEscape(String path) {
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
        return true;
      }
    }
    return false;
  }

  /** An ASCII hex digit (not {@link Character#digit}'s, which takes other scripts' digits too). */
  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static final java.util.List<HandlerType> ROUTED_METHODS =
      java.util.List.of(
          HandlerType.GET,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE,
          HandlerType.HEAD,
          HandlerType.OPTIONS);

  /** Request handlers that need the authenticated caller. */
  @FunctionalInterface
  interface CallerHandler {
    void handle(Context ctx, Caller caller) throws Exception;
  }

  /**
   * Starts listening, with the services each route group calls.
   *
   * @throws ConfigException when a listener cannot be opened or a TLS file cannot be read
   */
  public ApiServer(ServerConfig config, Services services) {
    DatabaseService databases = services.databases();
    RequestBodies bodies = new RequestBodies(config.maxBodyBytes());
    Authenticator auth = new Authenticator(services.tokens());
    DatabaseRoutes dbRoutes = new DatabaseRoutes(databases, bodies);
    QueryRoutes queryRoutes =
        new QueryRoutes(
            databases, services.queries(), bodies, QueryBounds.of(config), services.recorder());
    GraphqlRoutes graphql = new GraphqlRoutes(services.analytics(), bodies);
    TimeTravelRoutes timeTravelRoutes = new TimeTravelRoutes(databases, services.timeTravel());
    DiffRoutes diffRoutes = new DiffRoutes(databases, services.timeTravel());
    TransferRoutes transferRoutes =
        new TransferRoutes(databases, services.transfers(), bodies, config.publicUrl());
    AccountRoutes accountRoutes = new AccountRoutes(services.accounts());
    ConsoleRoutes console = new ConsoleRoutes(config.publicUrl());
    // A cluster member's per-database routes forward to the owner; a standalone server's are not
    // wrapped at all (null), so /query and /raw do no extra work there.
    ForwardingRoutes fwd = this.forwarding = ForwardingRoutes.of(config, services, auth);
    // A member with read replicas answers sessions' reads of other nodes' databases itself.
    ReplicaReads replicaReads = ReplicaReads.of(fwd, services, queryRoutes, QueryBounds.of(config));
    this.metrics = new Metrics(config.metricsTenantLabels(), services.meters());
    RequestLog requestLog = new RequestLog(config.jsonLogs());
    StatusRoutes status = new StatusRoutes(services.tokens(), services.status(), config.dataDir());
    RecoverRoutes recover = new RecoverRoutes(status, services.recovery(), databases, bodies);
    boolean ownMetricsPort = config.metricsPort() != 0;
    // Read the TLS files before anything listens, so a bad file stops the start with its name.
    Optional<KeyStore> tls = config.tls().map(PemKeyStore::load);
    this.app =
        Javalin.create(
            cfg -> {
              configure(cfg, config);
              cfg.requestLogger.http((ctx, ms) -> routed(ctx));
              RequestObserver observer = new RequestObserver(requestLog, metrics);
              observer.setHandler(draining);
              // A standalone server takes /query and /raw from Jetty itself (DirectQueries).
              if (fwd == null) draining.setHandler(new DirectQueries(auth, queryRoutes));
              cfg.jetty.modifyServer(server -> server.setHandler(observer));
              if (tls.isPresent()) {
                httpsOnly(cfg, config, tls.get());
              } else {
                plainHttp(cfg, config);
              }
              var r = cfg.routes;
              // The hot routes first: Javalin tries a method's routes in the order they were
              // added, one regex match each, and no other route matches these paths.
              r.post(DATABASES + "/{db}/query", query(auth, fwd, replicaReads, queryRoutes, false));
              r.post(DATABASES + "/{db}/raw", query(auth, fwd, replicaReads, queryRoutes, true));
              io.javalin.http.Handler healthz =
                  ctx -> ctx.contentType("application/json").result("{\"ok\":true}");
              r.get("/healthz", healthz);
              r.get("/", console::index);
              r.get(ConsoleRoutes.ASSETS + "{file}", console::asset);
              r.get(ConsoleRoutes.ASSETS + ConsoleVendor.PREFIX + "{file}", console::vendorAsset);
              // HEAD answers as GET does; Jetty sends the headers and drops the body.
              r.head("/healthz", healthz);
              r.head("/", console::index);
              r.head(ConsoleRoutes.ASSETS + "{file}", console::asset);
              r.head(ConsoleRoutes.ASSETS + ConsoleVendor.PREFIX + "{file}", console::vendorAsset);
              // It changes the server: the main port only, with an operator token.
              r.post("/recover", recover::recover);
              r.post("/recover/jobs", recover::start);
              r.get("/recover/jobs/{job}", recover::poll);
              if (!ownMetricsPort) {
                r.get("/metrics", ctx -> scrape(ctx, metrics));
                // On the main port, /status needs an operator token.
                r.get(
                    "/status",
                    ctx -> {
                      status.requireOperator(ctx);
                      status.status(ctx);
                    });
                r.get(
                    "/status/databases/{id}",
                    ctx -> {
                      status.requireOperator(ctx);
                      status.database(ctx);
                    });
              }
              r.get(V4 + "/accounts", authed(auth, accountRoutes::accounts));
              r.get(V4 + "/memberships", authed(auth, accountRoutes::memberships));
              r.get(V4 + "/user", authed(auth, accountRoutes::user));
              r.get(V4 + "/user/tokens/verify", authed(auth, accountRoutes::verifyToken));
              r.post(
                  V4 + "/graphql",
                  fwd == null ? authed(auth, graphql::query) : fwd.graphql(graphql::query));
              if (fwd != null) {
                r.post(ForwardingRoutes.ANALYTICS_FLUSH, fwd.analyticsFlush(services.analytics()));
              }
              if (fwd != null && fwd.news() != null) {
                r.post(ReplicaNews.FOLLOW, fwd.betweenNodes(fwd.news()::follow));
                r.post(ReplicaNews.NEWS, fwd.betweenNodes(fwd.news()::news));
              }
              r.get(DATABASES, scoped(auth, dbRoutes::list));
              r.post(
                  DATABASES,
                  fwd == null ? scoped(auth, dbRoutes::create) : fwd.create(dbRoutes::create));
              r.get(DATABASES + "/{db}", perDatabase(auth, fwd, dbRoutes::get));
              r.put(
                  DATABASES + "/{db}",
                  perDatabase(auth, fwd, (c, k) -> dbRoutes.update(c, k, false)));
              r.patch(
                  DATABASES + "/{db}",
                  perDatabase(auth, fwd, (c, k) -> dbRoutes.update(c, k, true)));
              r.delete(DATABASES + "/{db}", perDatabase(auth, fwd, dbRoutes::delete));
              r.post(DATABASES + "/{db}/export", perDatabase(auth, fwd, transferRoutes::export));
              r.post(DATABASES + "/{db}/import", perDatabase(auth, fwd, transferRoutes::importing));
              r.put(
                  TransferRoutes.UPLOADS + "{name}",
                  ForwardingRoutes.file(fwd, transferRoutes::upload, true));
              r.get(
                  TransferRoutes.EXPORTS + "{name}",
                  ForwardingRoutes.file(fwd, transferRoutes::download, false));
              r.get(
                  DATABASES + "/{db}/time_travel/bookmark",
                  perDatabase(auth, fwd, timeTravelRoutes::bookmark));
              r.post(
                  DATABASES + "/{db}/time_travel/restore",
                  perDatabase(auth, fwd, timeTravelRoutes::restore));
              r.get(
                  DATABASES + "/{db}/time_travel/commits",
                  perDatabase(auth, fwd, timeTravelRoutes::commits));
              r.get(DATABASES + "/{db}/time_travel/diff", perDatabase(auth, fwd, diffRoutes::diff));
              // Methods no route uses (TRACE, CONNECT, made-up ones) get the same 404 envelope.
              r.before(
                  ctx -> {
                    if (!ROUTED_METHODS.contains(ctx.method())) {
                      throw new D1Exception.NoRoute();
                    }
                    // A stray '%' would make every path parameter fail to decode later.
                    if (hasBadEscape(ctx.path())) {
                      throw new D1Exception.InvalidRequest(
                          "Bad Request: the URL path has a malformed %-escape");
                    }
                  });
              for (HandlerType method : ROUTED_METHODS) {
                r.addHttpHandler(
                    method,
                    "/*",
                    ctx -> {
                      throw new D1Exception.NoRoute();
                    });
              }
              ErrorHandlers.install(cfg);
            });
    if (ownMetricsPort) {
      this.metricsApp =
          Javalin.create(
              cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.routes.get("/metrics", ctx -> scrape(ctx, metrics));
                // The metrics listener is the operators' own: no token, like /metrics.
                cfg.routes.get("/status", status::status);
                cfg.routes.get("/status/databases/{id}", status::database);
                cfg.routes.exception(D1Exception.class, (e, ctx) -> Envelope.error(ctx, e));
              });
    } else {
      this.metricsApp = null;
    }
    this.stopGrace = config.sql().requestTimeout().plus(STOP_MARGIN);
    try {
      listen(app, config.host(), config.port(), "--port");
      if (metricsApp != null) {
        try {
          listen(metricsApp, config.host(), config.metricsPort(), "--metrics-port");
        } catch (RuntimeException e) {
          app.stop();
          throw e;
        }
      }
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /**
   * Starts a listener; a failure to bind is a {@link ConfigException} saying which setting to fix
   * (Javalin words every bind failure as "Port already in use", even an address that does not
   * exist).
   */
  private static void listen(Javalin app, String host, int port, String portFlag) {
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      app.stop();
      throw new ConfigException(cannotListen(e, host, port, portFlag));
    }
  }

  private static String cannotListen(Throwable e, String host, int port, String portFlag) {
    String where = "cannot listen on " + host + ":" + port + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (t instanceof java.nio.channels.UnresolvedAddressException) {
        return where + host + " is neither an IP address nor a host name that resolves (--host)";
      }
      if (t instanceof java.net.BindException && m.contains("in use")) {
        return where
            + "the port is already in use, by another opend1 or another program ("
            + portFlag
            + ")";
      }
      if (t instanceof java.net.BindException && m.contains("assign")) {
        return where + host + " is not an address of this machine (--host)";
      }
      if (t instanceof java.net.SocketException && m.contains("permission denied")) {
        return where + "permission denied (ports below 1024 need privileges; " + portFlag + ")";
      }
    }
    return where + e.getMessage();
  }

  /** Prometheus' text exposition format, version 0.0.4. */
  private static void scrape(Context ctx, Metrics metrics) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  /**
   * After a request's handler: tells its {@link Exchange} the route template it took and the
   * account and database in its path, for the log line and the metrics written once the response is
   * complete. A request no route matched keeps the route {@code unmatched}.
   */
  private static void routed(Context ctx) {
    Exchange x = Exchange.of(ctx);
    if (x == null) {
      return;
    }
    io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
    if (endpoint != null && !endpoint.path.equals("/*")) {
      x.route = endpoint.path;
      x.quiet = RequestLog.quiet(endpoint.path);
    }
    x.account = ctx.pathParamMap().get("account");
    x.database = ctx.pathParamMap().get("db");
  }

  private static void configure(JavalinConfig cfg, ServerConfig config) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    // Platform threads, not virtual ones: a read runs SQLite on the request's own thread, and
    // sqlite-jdbc's JNI and synchronized calls would pin a virtual thread to one of few carriers.
    cfg.concurrency.useVirtualThreads = false;
    cfg.jetty.threadPool = requestThreads();
    // Bodies are read by RequestBodies with their own limit; this one must not cut in first.
    cfg.http.maxRequestSize = config.maxBodyBytes();
    cfg.http.defaultContentType = "application/json";
    cfg.jetty.modifyHttpConfiguration(http -> http.addCustomizer(new KeepAliveHint()));
    // What Jetty refuses before routing (bad URI, malformed headers) still gets D1's envelope.
    cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors()));
    cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new ProtocolErrors()));
  }

  /**
   * The requests' threads: up to {@link #REQUEST_THREADS_PER_CORE} per core (at least {@link
   * #MIN_REQUEST_THREADS}), started as needed and ended after a minute idle. A request holds its
   * thread while it waits (for the writer, a commit, a read connection), so the pool is several
   * times the cores; past it, requests wait in Jetty's queue.
   */
  private static QueuedThreadPool requestThreads() {
    int max =
        Math.max(
            MIN_REQUEST_THREADS,
            REQUEST_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors());
    QueuedThreadPool pool = new QueuedThreadPool(max, 8, 60_000);
    pool.setName("opend1-http");
    pool.setDaemon(true);
    return pool;
  }

  /** Request threads per core; see {@link #requestThreads}. */
  static final int REQUEST_THREADS_PER_CORE = 64;

  /** The fewest request threads, whatever the cores. */
  static final int MIN_REQUEST_THREADS = 128;

  /**
   * The one connector on the configured host and port, speaking plain HTTP, with the configured
   * listen backlog (Javalin's own connector would take the JDK's 50).
   */
  private static void plainHttp(JavalinConfig cfg, ServerConfig config) {
    cfg.jetty.addConnector(
        (server, http) -> {
          ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
          listen(connector, config);
          return connector;
        });
  }

  /**
   * Where a connector listens, and how many connections the kernel queues for it before they are
   * accepted ({@code listen-backlog}): a burst of new clients is queued, not reset.
   */
  private static void listen(ServerConnector connector, ServerConfig config) {
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(config.listenBacklog());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
  }

  /**
   * How long an idle connection stays open (advertised as {@code Keep-Alive: timeout=120}): longer
   * than the pools of common clients keep one (Node's undici 4 s, Go's 90 s), so a client does not
   * reuse a socket the server has just closed. A client whose event loop was blocked past the
   * server's timeout (wrangler run synchronously from a Node script, 30 s under load) did, once per
   * socket, with Jetty's default of 30 s.
   */
  static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofSeconds(120);

  /**
   * Makes the one connector on the configured host and port speak HTTPS only: with a connector of
   * its own, Javalin adds no plain-HTTP one. The certificate and key are reloaded when their files
   * change ({@link TlsReloader}).
   */
  private static void httpsOnly(JavalinConfig cfg, ServerConfig config, KeyStore keys) {
    cfg.jetty.addConnector(
        (server, http) -> {
          SslContextFactory.Server ssl = new SslContextFactory.Server();
          ssl.setKeyStore(keys);
          ssl.setKeyStorePassword(PemKeyStore.PASSWORD);
          // A renewed certificate is put in service without a restart; stops with the server.
          server.addBean(TlsReloader.watch(config.tls().orElseThrow(), ssl));
          HttpConfiguration https = new HttpConfiguration(http);
          SecureRequestCustomizer secure = new SecureRequestCustomizer();
          // Clients may reach the server by an address the certificate does not name (127.0.0.1).
          secure.setSniHostCheck(false);
          https.addCustomizer(secure);
          ServerConnector connector =
              new ServerConnector(
                  server,
                  new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                  new HttpConnectionFactory(https));
          listen(connector, config);
          return connector;
        });
  }

  /** A handler for the non-account routes: credentials only. */
  private static io.javalin.http.Handler authed(Authenticator auth, CallerHandler h) {
    return ctx -> h.handle(ctx, auth.authenticate(ctx));
  }

  /** A handler for {@code /accounts/{account}/...}: credentials, then the account. */
  private static io.javalin.http.Handler scoped(Authenticator auth, CallerHandler h) {
    return ctx -> {
      Caller caller = auth.authenticate(ctx);
      caller.requireAccount(ctx.pathParam("account"));
      h.handle(ctx, caller);
    };
  }

  /**
   * A handler for {@code /accounts/{account}/d1/database/{db}/...}: as {@link #scoped}, sent on to
   * the database's owner by a cluster member ({@link ForwardingRoutes}).
   */
  private static io.javalin.http.Handler perDatabase(
      Authenticator auth, ForwardingRoutes fwd, CallerHandler h) {
    return fwd == null ? scoped(auth, h) : fwd.perDatabase(h);
  }

  /** {@code /query} or {@code /raw}: forwarded, or answered by a read replica, on a member. */
  private static io.javalin.http.Handler query(
      Authenticator auth,
      ForwardingRoutes fwd,
      ReplicaReads replicas,
      QueryRoutes routes,
      boolean raw) {
    CallerHandler h = (c, k) -> routes.query(new ContextCall(c), k, raw);
    return fwd == null ? scoped(auth, h) : fwd.query(h, replicas, raw);
  }

  /** The port {@code GET /metrics} is served on: its own, or the main one. */
  public int metricsPort() {
    return metricsApp == null ? app.port() : metricsApp.port();
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return app.port();
  }

  /**
   * Stops gracefully: new requests get 503 in D1's envelope, running ones get up to the request
   * limit plus a margin to finish, then the listener closes.
   */
  @Override
  public void close() {
    try {
      if (!draining.drain(stopGrace)) {
        LOG.warn("stopping with requests still running after {}", stopGrace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (metricsApp != null) {
      metricsApp.stop();
    }
    app.stop();
    if (forwarding != null) {
      forwarding.close();
    }
    metrics.close();
  }
}
