package dev.opend1.api.fakes;

import dev.opend1.api.QueryService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import java.util.List;
import java.util.Optional;

/** A {@link QueryService} that does what another does: tests override what they change. */
public class DelegatingQueries implements QueryService {

  private final QueryService to;

  public DelegatingQueries(QueryService to) {
    this.to = to;
  }

  @Override
  public HeldBytes holdResults() {
    return to.holdResults();
  }

  @Override
  public BytePipe pipeResults() {
    return to.pipeResults();
  }

  @Override
  public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
    to.execute(id, inputs, readOnly, sink);
  }

  @Override
  public Bookmark bookmark(DatabaseId id) {
    return to.bookmark(id);
  }

  @Override
  public void awaitBookmark(DatabaseId id, String bookmark) {
    to.awaitBookmark(id, bookmark);
  }

  @Override
  public Bookmark asOf(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    return to.asOf(id, bookmark, timestamp);
  }

  @Override
  public void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink) {
    to.executeAsOf(id, at, inputs, sink);
  }
}
