package dev.opend1.api;

import dev.opend1.analytics.Batch;
import dev.opend1.analytics.QueryRecorder;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.Bookmark;
import dev.opend1.core.Region;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST .../{id}/query} and {@code POST .../{id}/raw}, on the live database or, with {@code
 * ?bookmark=} or {@code ?timestamp=}, read-only on its state at that commit. Each request that
 * reaches the engine is reported to the analytics once it is done: its statements' figures if they
 * ran, else a failure.
 */
final class QueryRoutes {

  /**
   * D1's Sessions API over REST: a request may send the bookmark it last saw, and every answer
   * carries the bookmark of the state it reflects ({@link QueryOutput}).
   */
  static final String BOOKMARK_HEADER = "x-d1-bookmark";

  /**
   * What a Worker's {@code withSession} takes besides a bookmark: a session's first request with no
   * bookmark yet, from the primary or from any copy. Neither asks for a state.
   */
  private static final Set<String> SESSION_STARTS = Set.of("first-primary", "first-unconstrained");

  private final DatabaseService databases;
  private final QueryService queries;
  private final RequestBodies bodies;
  private final QueryBounds bounds;
  private final QueryRecorder recorder;

  QueryRoutes(
      DatabaseService databases,
      QueryService queries,
      RequestBodies bodies,
      QueryBounds bounds,
      QueryRecorder recorder) {
    this.databases = databases;
    this.queries = queries;
    this.bodies = bodies;
    this.bounds = bounds;
    this.recorder = recorder;
  }

  void query(QueryCall call, Caller caller, boolean raw) throws IOException {
    DatabaseRecord db = databases.resolve(caller.account(), call.database());
    // Javalin parses the query string into a map on first use: skip that when there is none.
    boolean noQuery = call.queryString() == null;
    Optional<String> bookmark =
        noQuery ? Optional.empty() : Optional.ofNullable(call.queryParam("bookmark"));
    Optional<String> timestamp =
        noQuery ? Optional.empty() : Optional.ofNullable(call.queryParam("timestamp"));
    // As of a bookmark or a time (an opend1 extension): read-only, on the state at that commit.
    Bookmark asOf =
        bookmark.isPresent() || timestamp.isPresent()
            ? queries.asOf(db.id(), bookmark, timestamp)
            : null;
    String lastSeen = call.header(BOOKMARK_HEADER);
    if (lastSeen != null && !SESSION_STARTS.contains(lastSeen)) {
      queries.awaitBookmark(db.id(), lastSeen);
    }
    List<QueryInput> inputs = bodies.readJson(call, p -> QueryBody.read(p, bounds));
    boolean readOnly = !caller.token().permission().canEdit();
    answer(
        call,
        raw,
        db,
        inputs,
        asOf,
        asOf != null ? () -> asOf : () -> queries.bookmark(db.id()),
        Optional.empty(),
        asOf != null
            ? out -> queries.executeAsOf(db.id(), asOf, inputs, out)
            : out -> queries.execute(db.id(), inputs, readOnly, out));
  }

  /**
   * A request a cluster member answers as a read replica ({@link ReplicaReads}): its statements,
   * read already, run on the state of this node's copy that {@code read} is pinned to, and the
   * answer names this node's region and {@code served_by_primary: false}.
   */
  void answerFromReplica(
      Context ctx,
      boolean raw,
      DatabaseRecord db,
      List<QueryInput> inputs,
      ReplicaService.Read read)
      throws IOException {
    answer(
        new ContextCall(ctx),
        raw,
        db,
        inputs,
        null,
        read::at,
        Optional.of(read.region()),
        out -> read.execute(inputs, out));
  }

  /** How a request's statements run, once read, delivering their results to the output. */
  @FunctionalInterface
  private interface Run {
    void run(QueryOutput out);
  }

  /**
   * Runs the request and writes its answer.
   *
   * @param asOf the bookmark of a read as of a past state, or null
   * @param reflects the bookmark a read's answer reflects, asked as it starts (a write's answer
   *     carries the one its commit gave, {@link QueryOutput#durable})
   * @param replica the region of a read replica's answer; empty for the primary's
   */
  private void answer(
      QueryCall call,
      boolean raw,
      DatabaseRecord db,
      List<QueryInput> inputs,
      Bookmark asOf,
      Supplier<Bookmark> reflects,
      Optional<Region> replica,
      Run run)
      throws IOException {
    long start = System.nanoTime();
    try (HeldBytes held = queries.holdResults();
        BytePipe pipe = queries.pipeResults()) {
      QueryOutput out = new QueryOutput(call, raw, db, held, pipe, asOf, reflects, replica);
      try {
        run.run(out);
      } catch (RuntimeException | Error e) {
        recorder.failed(db.account(), db.id());
        if (out.committed()) {
          abort(call, out, e);
          return;
        }
        throw e;
      }
      try {
        out.finish();
      } catch (RuntimeException | IOException | Error e) {
        // The request has run (and a write has committed): an error answer now would tell the
        // client to retry a write that is applied, so the response is cut off instead.
        abort(call, out, e);
      }
      recorder.succeeded(
          new Batch(
              db.account(),
              db.id(),
              texts(inputs),
              out.figures(),
              (System.nanoTime() - start) / 1_000_000.0,
              out.bytes()));
    }
  }

  /** The SQL texts of a request's statements, for the analytics. */
  private static List<String> texts(List<QueryInput> inputs) {
    if (inputs.size() == 1) {
      return List.of(inputs.get(0).sql());
    }
    List<String> texts = new ArrayList<>(inputs.size());
    for (QueryInput in : inputs) {
      texts.add(in.sql());
    }
    return texts;
  }

  /**
   * Cuts the response off without its closing bytes (part of a 200 may already be out), so no
   * client can take it for a complete answer. The sender is stopped first; aborting the connection
   * ends a send blocked on a client that stopped reading.
   */
  private static void abort(QueryCall call, QueryOutput out, Throwable e) {
    out.stopStreaming(e);
    call.abort(e);
    out.awaitSender();
  }
}
