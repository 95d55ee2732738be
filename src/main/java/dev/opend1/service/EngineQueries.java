package dev.opend1.service;

import dev.opend1.api.QueryService;
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

  EngineQueries(Engine engine, TimeTravel timeTravel) {
    this.engine = engine;
    this.timeTravel = timeTravel;
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
