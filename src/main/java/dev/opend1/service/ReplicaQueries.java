package dev.opend1.service;

import dev.opend1.api.QueryService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.Engine;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.history.Follower;
import dev.opend1.history.Followers;
import dev.opend1.history.TimeTravel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The query routes' {@link QueryService} for a database this node reads as a replica: each request
 * runs read-only on the newest state its {@link Follower} reached, through the engine's read path
 * for a past state. A request that sent a bookmark ({@code x-d1-bookmark}) waits up to {@link
 * #WAIT} for the copy to reach it, then is refused as retryable. What a replica does not answer (a
 * read as of a bookmark or a time) is refused the same way; forwarding it to the database's primary
 * is the cluster's forwarding, and would take the place of those refusals.
 */
final class ReplicaQueries implements QueryService {

  /** How long a request waits for the copy to reach the bookmark it sent. */
  static final Duration WAIT = Duration.ofSeconds(2);

  /**
   * How long a request waits for a follower just started to lay its copy down: the whole history
   * from the bucket, once per database and start of this node.
   */
  static final Duration FIRST_WAIT = Duration.ofSeconds(10);

  private final Engine engine;
  private final Followers followers;
  private final Region region;

  ReplicaQueries(Engine engine, Followers followers, Region region) {
    this.engine = engine;
    this.followers = followers;
    this.region = region;
  }

  @Override
  public HeldBytes holdResults() {
    return engine.newResultBuffer();
  }

  @Override
  public BytePipe pipeResults() {
    return engine.newResultPipe();
  }

  /** Read-only whatever the token: the copy is never written (a write is refused by SQLite). */
  @Override
  public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
    Follower follower = followers.of(id);
    Bookmark at = reached(id, follower);
    engine.executeAsOf(id, at, () -> follower.image(at), inputs, sink);
  }

  @Override
  public Bookmark bookmark(DatabaseId id) {
    return reached(id, followers.of(id));
  }

  @Override
  public void awaitBookmark(DatabaseId id, String bookmark) {
    Bookmark wanted = TimeTravel.parse(bookmark);
    Follower follower = followers.of(id);
    reached(id, follower);
    Follower.Reach reach;
    try {
      reach = follower.await(wanted, WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reach = Follower.Reach.BEHIND;
    }
    switch (reach) {
      case REACHED -> {}
      case FOREIGN -> throw TimeTravel.foreign(bookmark);
      case BEHIND ->
          throw new D1Exception.ReplicaCannotAnswer(
              "this read replica of database "
                  + id
                  + " has not reached bookmark "
                  + bookmark
                  + " within "
                  + WAIT.toSeconds()
                  + " s");
    }
  }

  @Override
  public Bookmark asOf(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    throw new D1Exception.ReplicaCannotAnswer(
        "a read as of a bookmark or a time is answered by database " + id + "'s primary node");
  }

  @Override
  public void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink) {
    asOf(id, Optional.of(at.toString()), Optional.empty());
  }

  @Override
  public Optional<Region> replicaRegion() {
    return Optional.of(region);
  }

  /** The copy's newest state, waiting briefly for a follower just started to reach one. */
  private static Bookmark reached(DatabaseId id, Follower follower) {
    try {
      return follower
          .awaitReached(FIRST_WAIT)
          .orElseThrow(
              () ->
                  new D1Exception.ReplicaCannotAnswer(
                      "this read replica of database " + id + " holds no state of it yet"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new D1Exception.ReplicaCannotAnswer("interrupted while waiting for " + id);
    }
  }
}
