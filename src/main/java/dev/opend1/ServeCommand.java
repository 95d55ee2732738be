package dev.opend1;

import dev.opend1.api.ApiServer;
import dev.opend1.api.ForwardingService;
import dev.opend1.api.Services;
import dev.opend1.catalog.Account;
import dev.opend1.catalog.CachingCatalog;
import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.CatalogImport;
import dev.opend1.catalog.IssuedToken;
import dev.opend1.cluster.LeaseRouting;
import dev.opend1.cluster.Membership;
import dev.opend1.cluster.NodeId;
import dev.opend1.cluster.Nodes;
import dev.opend1.cluster.PostgresLeases;
import dev.opend1.cluster.PostgresNodes;
import dev.opend1.cluster.PostgresPlacement;
import dev.opend1.cluster.ReplicaCopy;
import dev.opend1.config.ClusterSettings;
import dev.opend1.config.ConfigException;
import dev.opend1.config.ConfigLoader;
import dev.opend1.config.ServerConfig;
import dev.opend1.config.Setting;
import dev.opend1.config.Settings;
import dev.opend1.core.BuildInfo;
import dev.opend1.core.Permission;
import dev.opend1.engine.DaemonPools;
import dev.opend1.engine.DataDirectory;
import dev.opend1.objectstore.PrefixGuard;
import dev.opend1.service.ClusterForwarding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 serve}: runs the server until it is stopped. Its options come from {@link
 * Settings}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Start the server. Every setting is a flag, an OPEND1_* variable or a config key.",
    footer = {
      "",
      "Sizes (BYTES) also take units: 10MB, 1GiB. Durations (MS, SECONDS, DAYS) too: 500ms, 30s,"
          + " 5m, 1h, 7d.",
      "Exit status 2 when the server cannot start (one line on standard error says why)."
    })
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    try {
      config = ConfigLoader.load(flags(), System.getenv());
    } catch (ConfigException e) {
      return cannotStart(e.getMessage(), false);
    }
    if (config.jsonLogs()) {
      LogFormat.useJson();
    }
    // What a start opened, in order: closed in reverse when a later step fails, and at shutdown.
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    ApiServer server;
    Catalog catalog;
    Path root;
    try {
      // One kind of catalog per bucket prefix (PrefixGuard): a standalone server is refused on a
      // cluster's prefix before it changes anything, its data directory included.
      if (config.objectStore().isPresent() && config.catalog().isEmpty()) {
        PrefixGuard.standalone(config.objectStore().get());
      }
      DataDirectory dataDir = DataDirectory.acquire(config.dataDir());
      opened.push(dataDir);
      root = dataDir.root();
      catalog = new CachingCatalog(CatalogOpener.forServer(config.catalog(), root));
      opened.push(catalog);
      Optional<DataSource> shared = catalog.sharedDatabase();
      if (config.objectStore().isPresent() && shared.isPresent()) {
        PrefixGuard.postgresCatalog(
            config.objectStore().get(), () -> CatalogImport.anyRecorded(shared.get()));
      }
      ensureConfiguredToken(config, catalog);
      // A member registers before its parts are built: its leases name it in nodes, and opening
      // the histories of its databases takes their leases back.
      Optional<Membership> member = Optional.empty();
      if (config.cluster().isPresent()) {
        member = Optional.of(join(config.cluster().get(), catalog, dataDir));
        opened.push(member.get());
      }
      Wiring parts = Wiring.of(config, root, catalog);
      opened.push(parts);
      Services services = parts.services();
      if (member.isPresent()) {
        services =
            services
                .withForwarding(forwarding(catalog, member.get().self()))
                .withMeters(parts.cluster().orElseThrow().meters(catalog));
        reportReplicas(member.get(), parts);
      }
      server = new ApiServer(config, services);
      opened.push(server);
    } catch (RuntimeException e) {
      LOG.debug("start failed", e);
      closeAll(opened);
      return cannotStart(Main.describe(e), config.jsonLogs());
    }
    String scheme = config.tls().isPresent() ? "https://" : "http://";
    String base = scheme + displayHost(config.host()) + ":" + server.port() + "/client/v4";
    // Only now that the server listens: a start that failed earlier must not have used up the one
    // moment a generated token is shown.
    Optional<IssuedToken> firstToken = firstStartToken(catalog);
    LOG.info("opend1 serving {} from {}", base, root);
    firstToken.ifPresent(t -> printFirstStart(spec.commandLine().getOut(), base, t));

    // SIGTERM (or SIGINT) stops the server in order: running requests finish and new ones are
    // refused, then every open database checkpoints (its WAL emptied into the file, so the next
    // start replays nothing), its history is synced and closed, and the process exits 0. The
    // JVM would report a signal's death (143) even after a clean stop, hence the halt.
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  long start = System.nanoTime();
                  LOG.info("opend1 stopping: finishing running requests");
                  boolean clean = closeAll(opened);
                  LOG.info("opend1 stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
                  // halt skips the other shutdown hooks, logback's among them: stop it here so
                  // the lines its asynchronous appenders still hold are written.
                  if (LoggerFactory.getILoggerFactory()
                      instanceof ch.qos.logback.classic.LoggerContext logback) {
                    logback.stop();
                  }
                  Runtime.getRuntime().halt(clean ? 0 : 1);
                },
                "opend1-shutdown"));
    forever.await();
    return 0;
  }

  /** Registers this node in the cluster's {@code nodes} and starts its heartbeats. */
  static Membership join(ClusterSettings cluster, Catalog catalog, DataDirectory dataDir) {
    return Membership.join(
        new PostgresNodes(catalog.sharedDatabase().orElseThrow()),
        CatalogOpener.nodeId(dataDir.layout()),
        cluster.advertiseUrl(),
        BuildInfo.current().version(),
        DaemonPools.scheduled("opend1-cluster"));
  }

  /** The member's heartbeats carry its read replicas' lag, for {@code opend1 cluster status}. */
  static void reportReplicas(Membership member, Wiring parts) {
    parts
        .followers()
        .ifPresent(
            f ->
                member.reportReplicas(
                    () ->
                        f.lags().entrySet().stream()
                            .map(
                                e ->
                                    new ReplicaCopy(
                                        e.getKey(), e.getValue().seconds(), e.getValue().records()))
                            .toList()));
  }

  /**
   * Where a member sends the requests it does not serve: to the owner of a database's lease, and a
   * new database to the least-loaded live node.
   */
  static ForwardingService forwarding(Catalog catalog, NodeId self) {
    DataSource shared = catalog.sharedDatabase().orElseThrow();
    Nodes nodes = new PostgresNodes(shared);
    return new ClusterForwarding(
        new LeaseRouting(new PostgresLeases(shared), nodes, self),
        new PostgresPlacement(shared),
        nodes,
        self);
  }

  /**
   * A start that failed: one line saying why (a JSON log line with {@code --log-format json}), and
   * status 2.
   */
  private int cannotStart(String why, boolean json) {
    if (json) {
      LOG.error("opend1 cannot start: {}", why);
    } else {
      spec.commandLine().getErr().println("opend1: " + why);
    }
    return Main.CANNOT_RUN;
  }

  /** Closes what a start opened, newest first; false when something failed to close. */
  private static boolean closeAll(Deque<AutoCloseable> opened) {
    boolean clean = true;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception | Error e) {
        clean = false;
        LOG.error("opend1 did not stop cleanly", e);
      }
    }
    return clean;
  }

  /** The flags given on the command line, keyed by setting name. */
  private Map<String, String> flags() {
    Map<String, String> flags = new HashMap<>();
    for (Setting s : Settings.ALL) {
      String v = spec.commandLine().getParseResult().matchedOptionValue(s.flag(), null);
      if (v != null) {
        flags.put(s.name(), v);
      }
    }
    return flags;
  }

  /**
   * Makes sure the configured account and token ({@code OPEND1_ACCOUNT_ID}, {@code
   * OPEND1_API_TOKEN}) exist, before the server listens, so its first requests find them.
   */
  static void ensureConfiguredToken(ServerConfig config, Catalog catalog) {
    if (config.bootstrapAccount().isPresent()) {
      catalog.accounts().ensure(config.bootstrapAccount().get(), "opend1");
      catalog
          .tokens()
          .ensure(
              config.bootstrapAccount().get(),
              config.bootstrapToken().orElseThrow(),
              "from " + Settings.API_TOKEN.envVar(),
              Permission.EDIT);
    }
  }

  /**
   * On the very first start (no account at all, none configured), creates an account and a token
   * and returns the token so it can be printed once. Called only once the server listens, so a
   * start that fails never stores a token nobody saw.
   */
  static Optional<IssuedToken> firstStartToken(Catalog catalog) {
    // One account even when several nodes start on an empty shared catalog at once.
    Optional<Account> account = catalog.accounts().createFirst("opend1");
    return account.map(
        a -> catalog.tokens().create(a.id(), "first start", Permission.EDIT, Optional.empty()));
  }

  /** The one time a generated token is shown: on standard output, never in the log. */
  static void printFirstStart(PrintWriter out, String base, IssuedToken t) {
    out.println();
    out.println("First start: created account " + t.token().account() + " and an API token");
    out.println("with full D1 rights. The token is shown only this once; keep it safe.");
    out.println("To use opend1 with wrangler:");
    out.println();
    out.println(
        "export CLOUDFLARE_API_BASE_URL="
            + base
            + " CLOUDFLARE_API_TOKEN="
            + t.secret()
            + " CLOUDFLARE_ACCOUNT_ID="
            + t.token().account());
    out.println();
    out.flush();
  }

  private static String displayHost(String host) {
    return switch (host) {
      case "0.0.0.0", "::", "" -> "127.0.0.1";
      default -> host.contains(":") ? "[" + host + "]" : host;
    };
  }
}
