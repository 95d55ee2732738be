package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The news a database's owner sends the nodes that follow it, so that their read replicas take a
 * write as soon as it is in the bucket rather than at their next listing of it (docs/cluster.md,
 * "Read replicas"). The bucket stays the source of truth: the news is only a database's id and the
 * seq it is durable up to, and the follower fetches and checks the records as every poll does.
 *
 * <p>A follower registers: a node whose read replica is asked a session's read of a database tells
 * the owner ({@link #FOLLOW}, a call between nodes with the secret), again every {@link
 * #RENEW_EVERY} while it is asked, so the owner forgets it {@link #REGISTERED_FOR} after its reads
 * stopped. The owner tells: after each durable commit of a database ({@link
 * ReplicaService#onDurable}), each of its followers is sent {@link #NEWS}. At most one call is in
 * flight per follower; what comes meanwhile is sent together by the next (only the highest seq per
 * database), so the commit path only puts a number in a map and never waits, however fast it
 * commits. A follower that fails a call (not reached, or no 204 within 3 s) is dropped, with its
 * news; it registers again at its next read, and its copy lists the bucket every second meanwhile.
 */
final class ReplicaNews {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaNews.class);

  /** A follower registers with the owner here: {@code {"database": ID, "node": URL}}. */
  static final String FOLLOW = "/_opend1/cluster/replica/follow";

  /** The owner tells a follower here: {@code {"news": [{"database": ID, "seq": N}, ...]}}. */
  static final String NEWS = "/_opend1/cluster/replica/news";

  /** A follower that is still read registers again this often. */
  static final Duration RENEW_EVERY = Duration.ofSeconds(5);

  /** The owner keeps a registration this long after it was made or renewed. */
  static final Duration REGISTERED_FOR = Duration.ofSeconds(30);

  /** Past this many databases registered for, the follower's memory of them starts again. */
  private static final int MAX_REGISTERED = 10_000;

  private final Forwarder forwarder;
  private final URI self;
  private final ReplicaService replicas;

  /** An owner a followed database was registered with, when ({@link System#nanoTime}). */
  private record Registration(URI owner, long at) {}

  /** The follower's side: each followed database's last registration; entries replaced whole. */
  private final ConcurrentHashMap<DatabaseId, Registration> registered = new ConcurrentHashMap<>();

  /**
   * The owner's side: each database's followers, with when each registration lapses ({@link
   * System#nanoTime}). A database's map is made and removed only inside {@code compute} calls.
   */
  private final ConcurrentHashMap<DatabaseId, ConcurrentHashMap<URI, Long>> followers =
      new ConcurrentHashMap<>();

  /** The owner's side: what each follower is still to be told. */
  private final ConcurrentHashMap<URI, Outbox> outboxes = new ConcurrentHashMap<>();

  /** News of this node's databases, for {@code replicas}'s copies, sent with {@code forwarder}. */
  ReplicaNews(Forwarder forwarder, URI self, ReplicaService replicas) {
    this.forwarder = forwarder;
    this.self = self;
    this.replicas = replicas;
    replicas.onDurable(this::durable);
  }

  /**
   * The follower's side: this node's copy of {@code db} is being read, and {@code owner} writes it.
   * Registers with the owner when not registered there within {@link #RENEW_EVERY}; does not wait
   * for the answer.
   */
  void following(DatabaseId db, ForwardingService.Peer owner) {
    long now = System.nanoTime();
    Registration last = registered.get(db);
    if (last != null
        && last.owner().equals(owner.url())
        && now - last.at() < RENEW_EVERY.toNanos()) {
      return;
    }
    if (registered.size() >= MAX_REGISTERED) {
      registered.clear();
    }
    Registration r = new Registration(owner.url(), now);
    registered.put(db, r);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("database", db.toString()).put("node", self.toString());
    forwarder
        .tell(owner.url(), FOLLOW, body.toString())
        .whenComplete(
            (status, failed) -> {
              if (failed != null || status != 204) {
                // Asked again at the next read; the copy lists the bucket meanwhile.
                registered.remove(db, r);
                LOG.debug(
                    "registering with node {} for {}: {}",
                    owner.node(),
                    db,
                    failed != null ? failed.toString() : "answered " + status);
              }
            });
  }

  /** The owner's side: {@link #FOLLOW}, a follower registering. */
  void follow(Context ctx) throws IOException {
    JsonNode body = Json.MAPPER.readTree(ctx.bodyInputStream());
    DatabaseId db = database(body);
    register(db, node(body.path("node").asText("")));
    ctx.status(204);
  }

  /** The owner's side: {@code node} follows {@code db} for {@link #REGISTERED_FOR} from now. */
  void register(DatabaseId db, URI node) {
    long lapses = System.nanoTime() + REGISTERED_FOR.toNanos();
    followers.compute(
        db,
        (k, nodes) -> {
          ConcurrentHashMap<URI, Long> m = nodes == null ? new ConcurrentHashMap<>() : nodes;
          m.put(node, lapses);
          return m;
        });
  }

  /** For tests: the nodes registered for {@code db}. */
  java.util.Set<URI> followersOf(DatabaseId db) {
    ConcurrentHashMap<URI, Long> nodes = followers.get(db);
    return nodes == null ? java.util.Set.of() : java.util.Set.copyOf(nodes.keySet());
  }

  /** The follower's side: {@link #NEWS}, from an owner. */
  void news(Context ctx) throws IOException {
    JsonNode news = Json.MAPPER.readTree(ctx.bodyInputStream()).path("news");
    if (!news.isArray()) {
      throw new D1Exception.InvalidRequest("news: an array of {database, seq} is required");
    }
    for (JsonNode n : news) {
      if (!n.path("seq").canConvertToLong()) {
        throw new D1Exception.InvalidRequest("news: seq must be a number");
      }
      replicas.heard(database(n), n.path("seq").asLong());
    }
    ctx.status(204);
  }

  /** The owner's side: {@code db} is durable up to {@code seq}; its followers are told. */
  void durable(DatabaseId db, long seq) {
    ConcurrentHashMap<URI, Long> nodes = followers.get(db);
    if (nodes == null) {
      return;
    }
    long now = System.nanoTime();
    for (Map.Entry<URI, Long> e : nodes.entrySet()) {
      if (e.getValue() - now < 0) {
        nodes.remove(e.getKey(), e.getValue());
      } else {
        outboxes.computeIfAbsent(e.getKey(), Outbox::new).add(db, seq);
      }
    }
    followers.computeIfPresent(db, (k, m) -> m.isEmpty() ? null : m);
  }

  /** The owner's side: a follower that failed a call is told nothing more until it registers. */
  private void drop(URI node, String why) {
    LOG.info(
        "replica news: node at {} dropped ({}); it registers again at its next read", node, why);
    outboxes.remove(node);
    for (DatabaseId db : followers.keySet()) {
      followers.computeIfPresent(
          db,
          (k, m) -> {
            m.remove(node);
            return m.isEmpty() ? null : m;
          });
    }
  }

  /** One follower's news not yet sent, and whether a call to it is in flight; guarded by itself. */
  private final class Outbox {
    private final URI node;
    private final Map<DatabaseId, Long> pending = new LinkedHashMap<>();
    private boolean inFlight;

    Outbox(URI node) {
      this.node = node;
    }

    void add(DatabaseId db, long seq) {
      String body;
      synchronized (this) {
        pending.merge(db, seq, Math::max);
        if (inFlight) {
          return;
        }
        inFlight = true;
        body = take();
      }
      send(body);
    }

    /** The pending news as a call's body, emptied; called holding the lock. */
    private String take() {
      ArrayNode list = Json.MAPPER.createArrayNode();
      pending.forEach((db, seq) -> list.addObject().put("database", db.toString()).put("seq", seq));
      pending.clear();
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("news", list);
      return body.toString();
    }

    private void send(String body) {
      forwarder
          .tell(node, NEWS, body)
          .whenComplete(
              (status, failed) -> {
                if (failed != null || status != 204) {
                  drop(node, failed != null ? failed.toString() : "answered " + status);
                  return;
                }
                String next;
                synchronized (this) {
                  if (pending.isEmpty()) {
                    inFlight = false;
                    return;
                  }
                  next = take();
                }
                send(next);
              });
    }
  }

  private static DatabaseId database(JsonNode n) {
    return DatabaseId.parse(n.path("database").asText(""))
        .orElseThrow(() -> new D1Exception.InvalidRequest("database: a database id is required"));
  }

  private static URI node(String url) {
    Optional<URI> u;
    try {
      u = Optional.of(URI.create(url));
    } catch (IllegalArgumentException e) {
      u = Optional.empty();
    }
    return u.filter(x -> "http".equals(x.getScheme()) || "https".equals(x.getScheme()))
        .filter(x -> x.getHost() != null)
        .orElseThrow(() -> new D1Exception.InvalidRequest("node: an http(s) URL is required"));
  }
}
