package dev.opend1.service;

import dev.opend1.api.ReplicaService;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.Engine;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.history.Follower;
import dev.opend1.history.Followers;
import dev.opend1.history.History;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link ReplicaService} over this node's {@link Followers}: a read runs read-only on the newest
 * state the database's follower reached (at or after the bookmark the request sent), through the
 * engine's read path for a past state ({@link Engine#executeAsOf}), as a read as of a bookmark
 * does. A copy that does not reach the bookmark within {@link #WAIT}, or holds no state yet (a
 * follower just started, laying its copy down from the bucket), does not answer: the edge forwards
 * the request to the owner instead, and the follower goes on catching up in the background.
 */
final class ReplicaQueries implements ReplicaService {

  /**
   * How long a read waits for the copy to reach its bookmark (or to hold any state) before it goes
   * to the owner: a few of the followers' polls, well under a client's timeout.
   */
  static final Duration WAIT = Duration.ofSeconds(2);

  private final Engine engine;
  private final Followers followers;
  private final Region region;

  /** Where this node's durable commits are heard of: the history. */
  private final History history;

  ReplicaQueries(Engine engine, Followers followers, Region region, History history) {
    this.engine = engine;
    this.followers = followers;
    this.region = region;
    this.history = history;
  }

  @Override
  public Optional<Read> read(DatabaseRecord db, Optional<String> lastSeen) {
    Optional<Bookmark> wanted = lastSeen.flatMap(Bookmark::parse);
    if (lastSeen.isPresent() && wanted.isEmpty()) {
      // Not a bookmark this server writes: the owner refuses it in its own words.
      return Optional.empty();
    }
    Follower follower = followers.of(db.id());
    if (follower.deleted()) {
      return Optional.empty();
    }
    Optional<Bookmark> at;
    try {
      if (wanted.isPresent()) {
        at =
            follower.await(wanted.get(), WAIT) == Follower.Reach.REACHED
                ? follower.reached()
                : Optional.empty();
      } else {
        at = follower.awaitReached(WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return at.map(b -> new FollowerRead(engine, db.id(), b, region, follower));
  }

  @Override
  public void forwardedWrite(DatabaseId db) {
    followers.ifFollowed(db).ifPresent(Follower::pollSoon);
  }

  @Override
  public void heard(DatabaseId db, long seq) {
    followers.ifFollowed(db).ifPresent(f -> f.heard(seq));
  }

  @Override
  public void onDurable(DurableNews news) {
    history.tellDurable(news::durable);
  }

  /** A read pinned to one state of a follower's copy. */
  private record FollowerRead(
      Engine engine, DatabaseId id, Bookmark at, Region region, Follower follower) implements Read {

    @Override
    public void execute(List<QueryInput> inputs, ResultSink sink) {
      engine.executeAsOf(id, at, () -> follower.image(at), inputs, sink);
    }
  }
}
