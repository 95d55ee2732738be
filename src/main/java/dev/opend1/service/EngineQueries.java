package dev.opend1.service;

import dev.opend1.api.QueryService;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.Engine;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.history.TimeTravel;
import java.util.List;
import java.util.Optional;

/**
 * The query routes' {@link QueryService}: the engine, as it is; a request as of a bookmark is
 * checked by the history's {@link TimeTravel} and run by the engine on the state it describes.
 */
final class EngineQueries implements QueryService {

  private final Engine engine;
  private final TimeTravel timeTravel;

  /** What answers for a database this node does not hold, when it runs in a cluster. */
  private final Optional<QueryService> replica;

  EngineQueries(Engine engine, TimeTravel timeTravel, Optional<QueryService> replica) {
    this.engine = engine;
    this.timeTravel = timeTravel;
    this.replica = replica;
  }

  /**
   * A database whose files are not on this node, with read replication on, is answered by its read
   * replica here (in a cluster); any other by the engine, which answers 503 for one it lacks.
   */
  @Override
  public QueryService answering(DatabaseRecord db) {
    if (replica.isPresent() && "auto".equals(db.readReplicationMode()) && !engine.exists(db.id())) {
      return replica.get();
    }
    return this;
  }

  @Override
  public HeldBytes holdResults() {
    return engine.newResultBuffer();
  }

  @Override
  public BytePipe pipeResults() {
    return engine.newResultPipe();
  }

  @Override
  public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
    engine.execute(id, inputs, readOnly, sink);
  }

  @Override
  public Bookmark bookmark(DatabaseId id) {
    return timeTravel.bookmark(id, Optional.empty());
  }

  /** On the node that writes the database, any bookmark of its own history is reached already. */
  @Override
  public void awaitBookmark(DatabaseId id, String bookmark) {
    timeTravel.requireReached(id, bookmark);
  }

  @Override
  public Bookmark asOf(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    return timeTravel.pastBookmark(id, bookmark, timestamp);
  }

  @Override
  public void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink) {
    engine.executeAsOf(id, at, () -> timeTravel.imageAt(id, at), inputs, sink);
  }
}
