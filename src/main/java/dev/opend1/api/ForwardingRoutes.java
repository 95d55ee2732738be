package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opend1.config.ClusterSettings;
import dev.opend1.config.ServerConfig;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.SqlLimits;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The routes of a cluster member, wrapped so that what another node serves is forwarded to it
 * ({@link Forwarder}): every per-database route, a create (to the node it is placed on) and the
 * signed transfer URLs (by the database named in the file's name). A standalone server does not
 * wrap its routes at all.
 *
 * <p>A request that arrives forwarded (marked {@link Forwarder#MARK}) must carry the cluster's
 * secret (401 otherwise, before anything else is looked at) and is never forwarded again: served
 * here, or refused with a retryable 503 when the lease has moved on meanwhile. So a request makes
 * at most one hop whatever the nodes believe about each other.
 */
final class ForwardingRoutes {

  /** The internal route a member asks the others to flush their analytics by. */
  static final String ANALYTICS_FLUSH = "/_opend1/cluster/analytics/flush";

  /** The request attribute holding the client's origin of a forwarded request. */
  static final String ORIGIN = "opend1.origin";

  private final ForwardingService forwarding;
  private final DatabaseService databases;
  private final Authenticator auth;
  private final Forwarder forwarder;

  /** SHA-256 of the secret: compared with the digest of what a request presents. */
  private final byte[] secretDigest;

  /** News between owners and followers, on a member with read replicas; else null. */
  private final ReplicaNews news;

  ForwardingRoutes(
      ForwardingService forwarding,
      DatabaseService databases,
      Authenticator auth,
      ClusterSettings cluster,
      SqlLimits limits,
      Optional<ReplicaService> replicas) {
    this.forwarding = forwarding;
    this.databases = databases;
    this.auth = auth;
    this.forwarder = new Forwarder(cluster.secret(), limits, cluster.trust());
    this.secretDigest = digest(cluster.secret());
    this.news =
        replicas.map(r -> new ReplicaNews(forwarder, cluster.advertiseUrl(), r)).orElse(null);
  }

  /** A cluster member's forwarding routes; null on a standalone server (no forwarding service). */
  static ForwardingRoutes of(ServerConfig config, Services services, Authenticator auth) {
    return services
        .forwarding()
        .map(
            f ->
                new ForwardingRoutes(
                    f,
                    services.databases(),
                    auth,
                    config.cluster().orElseThrow(),
                    config.sql(),
                    services.replicas()))
        .orElse(null);
  }

  /** A route of {@code /accounts/{account}/d1/database/{db}/...}: served by the owner. */
  Handler perDatabase(ApiServer.CallerHandler h) {
    return route(h, null, false);
  }

  /**
   * {@code /query} ({@code raw} false) or {@code /raw}: served by the owner, except that a
   * session's read of a database another node owns may be answered here by this node's read replica
   * ({@code replicas}; null when it has none), as {@link ReplicaReads} decides.
   */
  Handler query(ApiServer.CallerHandler h, ReplicaReads replicas, boolean raw) {
    return route(h, replicas, raw);
  }

  private Handler route(ApiServer.CallerHandler h, ReplicaReads replicas, boolean raw) {
    return ctx -> {
      boolean arrived = arrived(ctx);
      Caller caller = auth.authenticate(ctx);
      caller.requireAccount(ctx.pathParam("account"));
      Optional<DatabaseId> db = databaseOf(caller, ctx.pathParam("db"));
      Optional<ForwardingService.Peer> owner;
      try {
        owner = db.flatMap(forwarding::owner);
      } catch (D1Exception.OwnerUnavailable e) {
        // The owner has not been heard from: a session's read the copy here can answer is.
        if (arrived || replicas == null || !replicas.answerWithoutOwner(ctx, caller, raw, null)) {
          throw e;
        }
        return;
      }
      if (owner.isEmpty()) {
        h.handle(ctx, caller);
      } else if (arrived) {
        throw new D1Exception.OwnerUnavailable(
            "the request was forwarded to this node, but node "
                + owner.get().node()
                + " owns database "
                + db.get()
                + " now");
      } else if (replicas == null) {
        forwarder.forward(ctx, owner.get(), false, () -> forwarding.failed(db.get()));
      } else {
        ReplicaReads.BodyHead head = replicas.answerOrForward(ctx, caller, raw, owner.get());
        if (head != null) {
          try {
            forwarder.forward(ctx, owner.get(), false, head, () -> forwarding.failed(db.get()));
          } catch (D1Exception.OwnerUnavailable | D1Exception.OwnerConnectionLost e) {
            // No answer began: a session's read the copy here can answer is, as above.
            if (!replicas.answerWithoutOwner(ctx, caller, raw, head)) {
              throw e;
            }
            return;
          }
          replicas.forwarded(ctx, db.get());
        }
      }
    };
  }

  /**
   * {@code POST .../d1/database}: made on the node placement picks; a branch ({@code from}) on the
   * node that owns its source, which holds the source's history. The body, small for a create, is
   * read to find out which.
   */
  Handler create(ApiServer.CallerHandler h) {
    return ctx -> {
      boolean arrived = arrived(ctx);
      Caller caller = auth.authenticate(ctx);
      caller.requireAccount(ctx.pathParam("account"));
      if (arrived) {
        // A forwarded create was placed already: it is made here.
        h.handle(ctx, caller);
        return;
      }
      ReplicaReads.BodyHead head = ReplicaReads.BodyHead.read(ctx);
      Optional<DatabaseId> source =
          head.whole() ? branchSource(caller, head.bytes()) : Optional.empty();
      Optional<ForwardingService.Peer> target =
          source.isPresent() ? source.flatMap(forwarding::owner) : forwarding.placement();
      if (target.isEmpty()) {
        head.keepFor(ctx);
        h.handle(ctx, caller);
      } else {
        forwarder.forward(ctx, target.get(), false, head, () -> {});
      }
    };
  }

  /**
   * The database a create's body branches from ({@code from.database}, an id or a name of the
   * caller's account), when it names one that exists; the create itself reports anything wrong.
   */
  private Optional<DatabaseId> branchSource(Caller caller, byte[] body) {
    JsonNode from;
    try {
      from = Json.MAPPER.readTree(body).path("from").path("database");
    } catch (IOException e) {
      return Optional.empty();
    }
    return from.isTextual() ? databaseOf(caller, from.asText()) : Optional.empty();
  }

  /**
   * A signed transfer URL ({@code .../_transfer/exports/NAME}, {@code .../uploads/NAME}), whose
   * file name begins with its database's id: served by the database's owner, which made the file or
   * receives it. The signature is checked there.
   */
  Handler transferFile(Handler h, boolean upload) {
    return ctx -> {
      boolean arrived = arrived(ctx);
      String name = ctx.pathParam("name");
      Optional<DatabaseId> db =
          arrived || name.length() < 36
              ? Optional.empty()
              : DatabaseId.parse(name.substring(0, 36));
      Optional<ForwardingService.Peer> owner = db.flatMap(forwarding::owner);
      if (owner.isEmpty()) {
        h.handle(ctx);
      } else {
        forwarder.forward(ctx, owner.get(), upload, () -> forwarding.failed(db.get()));
      }
    };
  }

  /**
   * {@code POST /graphql}: the analytics are in the shared store, but each node keeps its current
   * minutes in memory until its next flush (a minute). So before a client's query is answered,
   * every other live node is asked to flush ({@link #ANALYTICS_FLUSH}); the answer then counts
   * every query any node answered before it. A node that does not answer in time is left out
   * (logged).
   */
  Handler graphql(ApiServer.CallerHandler h) {
    return ctx -> {
      boolean arrived = arrived(ctx);
      Caller caller = auth.authenticate(ctx);
      if (!arrived) {
        forwarder.flushAnalytics(forwarding.peers(), ANALYTICS_FLUSH);
      }
      h.handle(ctx, caller);
    };
  }

  /** {@link #ANALYTICS_FLUSH}: another member's call only (the secret), answered 204. */
  Handler analyticsFlush(dev.opend1.analytics.AnalyticsReader analytics) {
    return betweenNodes(
        ctx -> {
          analytics.flushNow();
          ctx.status(204);
        });
  }

  /** {@code h} for another member's calls only: refused (401) without the secret. */
  Handler betweenNodes(Handler h) {
    return ctx -> {
      if (!arrived(ctx)) {
        throw new D1Exception.ClusterCallRefused();
      }
      h.handle(ctx);
    };
  }

  /** The news between owners and followers, on a member with read replicas; else null. */
  ReplicaNews news() {
    return news;
  }

  /** Closes the connections to the other nodes, once no request runs. */
  void close() {
    forwarder.close();
  }

  /** {@code h} for a signed transfer URL, forwarded by a cluster member ({@code fwd} not null). */
  static Handler file(ForwardingRoutes fwd, Handler h, boolean upload) {
    return fwd == null ? h : fwd.transferFile(h, upload);
  }

  /**
   * Whether the request was forwarded by another node; a forwarded one must carry the secret.
   * Remembers how the client reached that node ({@link #ORIGIN}), for the URLs handed out here.
   */
  private boolean arrived(Context ctx) {
    if (ctx.header(Forwarder.MARK) == null) {
      return false;
    }
    String presented = ctx.header(Forwarder.SECRET);
    // Digests of equal length, compared in constant time: the time says nothing of the secret.
    if (presented == null || !MessageDigest.isEqual(secretDigest, digest(presented))) {
      throw new D1Exception.ClusterCallRefused();
    }
    String host = ctx.header(Forwarder.ORIGIN_HOST);
    String proto = ctx.header(Forwarder.ORIGIN_PROTO);
    if (host != null && ("http".equals(proto) || "https".equals(proto))) {
      ctx.attribute(ORIGIN, proto + "://" + host);
    }
    startWithin(ctx, ctx.header(Forwarder.START_WITHIN));
    return true;
  }

  /**
   * Gives a forwarded request the start deadline its forwarding node sent ({@link
   * Forwarder#START_WITHIN}, milliseconds from its arrival here: no two nodes' clocks are
   * compared). One without it, or with a value that is not a count of milliseconds, keeps the
   * engine's own.
   */
  private static void startWithin(Context ctx, String millis) {
    Exchange x = Exchange.of(ctx);
    if (x == null || millis == null || millis.isEmpty() || millis.length() > 12) {
      return;
    }
    for (int i = 0; i < millis.length(); i++) {
      if (millis.charAt(i) < '0' || millis.charAt(i) > '9') {
        return;
      }
    }
    x.startWithin(Long.parseLong(millis));
  }

  /**
   * The database a path names, for routing only: a UUID is taken as it is (the owner answers 404
   * for one it does not have); a name is looked up in the account, and one that is not found is
   * served here, where it gets its 404 after the checks that come first.
   */
  private Optional<DatabaseId> databaseOf(Caller caller, String idOrName) {
    Optional<DatabaseId> id = DatabaseId.parse(idOrName);
    if (id.isPresent()) {
      return id;
    }
    try {
      return Optional.of(databases.find(caller.account(), idOrName).id());
    } catch (D1Exception.DatabaseNotFound e) {
      return Optional.empty();
    }
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
