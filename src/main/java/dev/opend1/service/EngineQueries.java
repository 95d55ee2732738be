package dev.opend1.service;

import dev.opend1.api.QueryService;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.Engine;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import java.util.List;

/** The query routes' {@link QueryService}: the engine, as it is. */
final class EngineQueries implements QueryService {

  private final Engine engine;

  EngineQueries(Engine engine) {
    this.engine = engine;
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
}
