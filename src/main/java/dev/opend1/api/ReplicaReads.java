package dev.opend1.api;

import com.fasterxml.jackson.core.JsonParser;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.QueryInput;
import dev.opend1.sql.SqlStatement;
import dev.opend1.sql.StatementSplitter;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where a cluster member decides that a {@code /query} or {@code /raw} for a database another node
 * owns is answered here, by its read replica, rather than forwarded. The rule (docs/cluster.md,
 * "Read replicas"), D1's: replicas serve only inside a session, so a request is answered here only
 * when all of these hold, and forwarded otherwise:
 *
 * <ul>
 *   <li>it is in a session: it sends {@code x-d1-bookmark} with a bookmark, or {@code
 *       first-unconstrained} (a session's first read, from any copy); {@code first-primary} and no
 *       header at all go to the owner, as D1's REST API always reads the primary;
 *   <li>it reads the live database (no {@code ?bookmark=} or {@code ?timestamp=});
 *   <li>the database's {@code read_replication.mode} is {@code auto};
 *   <li>its body is at most {@link #MAX_BODY} bytes, well-formed, and every statement only reads
 *       ({@link SqlStatement#onlyReads}): a batch with one write goes to the owner whole;
 *   <li>the copy here holds the bookmark sent, within a short wait ({@link ReplicaService#read}).
 * </ul>
 *
 * <p>When the owner cannot be reached (no connection, or it has not been heard from), the same rule
 * decides whether the copy answers instead of the 503 ({@link #answerWithoutOwner}): a read applies
 * nothing, and the bookmark rule keeps it from being older than what the client saw.
 *
 * <p>Deciding needs the body, so the body is read first, up to {@link #MAX_BODY}; what was read is
 * sent on ahead of the rest when the request is forwarded after all, so a large body still streams.
 * A body the edge would refuse is forwarded too, and refused by the owner with the owner's words.
 */
final class ReplicaReads {

  /** A body up to this size is read to decide; a larger one is forwarded as it streams. */
  static final int MAX_BODY = 256 * 1024;

  /** The {@code x-d1-bookmark} of a session that wants the primary for its first request. */
  private static final String FIRST_PRIMARY = "first-primary";

  /** The {@code x-d1-bookmark} of a session whose first request any copy may answer. */
  private static final String FIRST_UNCONSTRAINED = "first-unconstrained";

  /**
   * What a request's body was found to be before it was forwarded: the bytes read so far, and
   * whether they are the whole body.
   */
  record BodyHead(byte[] bytes, boolean whole) {
    /** Nothing read: the body streams as it arrives. */
    static final BodyHead NONE = new BodyHead(new byte[0], false);

    /** The body, when it is at most {@link #MAX_BODY}; else the part of it read to find out. */
    static BodyHead read(Context ctx) throws IOException {
      long declared = ctx.req().getContentLengthLong();
      if (declared > MAX_BODY) {
        return NONE;
      }
      InputStream in = ctx.req().getInputStream();
      if (declared >= 0) {
        byte[] bytes = in.readNBytes((int) declared);
        return new BodyHead(bytes, bytes.length == declared);
      }
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      return bytes.length > MAX_BODY ? new BodyHead(bytes, false) : new BodyHead(bytes, true);
    }

    /**
     * The request's body as it still is to be read by a handler here: this head first, then what
     * the client has not sent yet. {@link RequestBodies} reads it from there.
     */
    void keepFor(Context ctx) {
      ctx.attribute(READ_AHEAD, this);
    }
  }

  /** The request attribute a {@link BodyHead} read before a handler here ran is kept under. */
  static final String READ_AHEAD = "opend1.body-head";

  private final ReplicaService replicas;
  private final DatabaseService databases;
  private final QueryRoutes routes;
  private final QueryBounds bounds;

  /** Registers this node's copies with their owners, for news of their writes. */
  private final ReplicaNews news;

  ReplicaReads(
      ReplicaService replicas,
      DatabaseService databases,
      QueryRoutes routes,
      QueryBounds bounds,
      ReplicaNews news) {
    this.replicas = replicas;
    this.databases = databases;
    this.routes = routes;
    this.bounds = bounds;
    this.news = news;
  }

  /** A cluster member's replica reads ({@code fwd} not null) when it has replicas; else null. */
  static ReplicaReads of(
      ForwardingRoutes fwd, Services services, QueryRoutes routes, QueryBounds bounds) {
    if (fwd == null) {
      return null;
    }
    return services
        .replicas()
        .map(r -> new ReplicaReads(r, services.databases(), routes, bounds, fwd.news()))
        .orElse(null);
  }

  /**
   * Answers the request here when the rule above allows it; otherwise returns what must be
   * forwarded: the body's head read meanwhile ({@link BodyHead#NONE} when none was).
   *
   * @param owner the node that owns the database, which this node's copy follows
   * @return null when answered here
   */
  BodyHead answerOrForward(Context ctx, Caller caller, boolean raw, ForwardingService.Peer owner)
      throws IOException {
    Found found = inspect(ctx, caller, null);
    if (found.sessionRead()) {
      news.following(found.db().id(), owner);
    }
    return answer(ctx, raw, found) ? null : found.head();
  }

  /**
   * The owner cannot be reached, or has not been heard from: a session's read is answered here all
   * the same when the rule above allows it (the copy holds the bookmark sent), since a read applies
   * nothing. False otherwise: the caller answers the owner's unavailability (503).
   *
   * @param head what was read of the body already; null when nothing was
   */
  boolean answerWithoutOwner(Context ctx, Caller caller, boolean raw, BodyHead head)
      throws IOException {
    return answer(ctx, raw, inspect(ctx, caller, head));
  }

  /**
   * What a request was found to be: a session's read of an {@code auto} database this node's copy
   * may answer ({@code reads} not null), and the body's head read to find out.
   */
  private record Found(BodyHead head, DatabaseRecord db, List<QueryInput> reads, String lastSeen) {
    static final Found FORWARD = new Found(BodyHead.NONE, null, null, null);

    boolean sessionRead() {
      return reads != null;
    }
  }

  /** Applies the rule above but the copy's state; reads the body when {@code head} is null. */
  private Found inspect(Context ctx, Caller caller, BodyHead head) throws IOException {
    String lastSeen = ctx.header(QueryRoutes.BOOKMARK_HEADER);
    if (lastSeen == null || lastSeen.equals(FIRST_PRIMARY) || ctx.queryString() != null) {
      return head == null ? Found.FORWARD : new Found(head, null, null, null);
    }
    DatabaseRecord db;
    try {
      db = databases.find(caller.account(), ctx.pathParam("db"));
    } catch (D1Exception e) {
      return head == null ? Found.FORWARD : new Found(head, null, null, null);
    }
    if (!"auto".equals(db.readReplicationMode())) {
      return head == null ? Found.FORWARD : new Found(head, null, null, null);
    }
    BodyHead body = head == null ? BodyHead.read(ctx) : head;
    if (!body.whole()) {
      return new Found(body, null, null, null);
    }
    Optional<List<QueryInput>> reads = parse(body.bytes(), bounds);
    if (reads.isEmpty() || !onlyReads(reads.get())) {
      return new Found(body, null, null, null);
    }
    return new Found(body, db, reads.get(), lastSeen);
  }

  /** Answers a session's read from this node's copy when it holds the bookmark sent. */
  private boolean answer(Context ctx, boolean raw, Found found) throws IOException {
    if (!found.sessionRead()) {
      return false;
    }
    String lastSeen = found.lastSeen();
    Optional<ReplicaService.Read> read =
        replicas.read(
            found.db(),
            lastSeen.equals(FIRST_UNCONSTRAINED) ? Optional.empty() : Optional.of(lastSeen));
    if (read.isEmpty()) {
      return false;
    }
    routes.answerFromReplica(ctx, raw, found.db(), found.reads(), read.get());
    return true;
  }

  /**
   * A request of a session went to the owner of {@code db} (it may have written): this node's copy,
   * if it follows the database, looks for the write now rather than at its next poll, so the
   * session's next read here waits less for the bookmark it brings back.
   */
  void forwarded(Context ctx, DatabaseId db) {
    if (ctx.header(QueryRoutes.BOOKMARK_HEADER) != null) {
      replicas.forwardedWrite(db);
    }
  }

  /** Whether every statement of every input only reads. */
  private static boolean onlyReads(List<QueryInput> inputs) {
    for (QueryInput in : inputs) {
      List<SqlStatement> statements;
      try {
        statements = StatementSplitter.split(in.sql());
      } catch (RuntimeException e) {
        return false;
      }
      if (statements.isEmpty()) {
        return false;
      }
      for (SqlStatement s : statements) {
        if (!s.onlyReads()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Reads a query body from bytes: the same reader as a streamed body's; empty when refused. */
  private static Optional<List<QueryInput>> parse(byte[] body, QueryBounds bounds) {
    try (JsonParser p = Json.MAPPER.createParser(body)) {
      return Optional.of(QueryBody.read(p, bounds));
    } catch (IOException | D1Exception e) {
      return Optional.empty();
    }
  }
}
