package dev.opend1.service;

import dev.opend1.api.TimeTravelService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.history.TimeTravel;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The time travel routes' {@link TimeTravelService}: the history's {@link TimeTravel}; a diff is
 * checked by it and read by the engine on the two past states it describes.
 */
final class HistoryTimeTravel implements TimeTravelService {

  private final TimeTravel timeTravel;
  private final Engine engine;

  HistoryTimeTravel(TimeTravel timeTravel, Engine engine) {
    this.timeTravel = timeTravel;
    this.engine = engine;
  }

  @Override
  public Diff diff(DatabaseId id, DiffRange range, Optional<String> cursor, int limit) {
    Bookmark[] states = states(id, range);
    return engine.diff(
        id,
        states[0],
        states[1],
        at -> timeTravel.imageAt(id, at),
        d -> new Diff(states[0], states[1], d.schemaChanges(), d.rows(cursor, limit)));
  }

  @Override
  public void diffSql(DatabaseId id, DiffRange range, Supplier<OutputStream> out) {
    Bookmark[] states = states(id, range);
    engine.diff(
        id,
        states[0],
        states[1],
        at -> timeTravel.imageAt(id, at),
        d -> {
          d.writeSql(out.get());
          return null;
        });
  }

  /** The older and the newer state's bookmarks, checked as a restore checks its target. */
  private Bookmark[] states(DatabaseId id, DiffRange range) {
    Bookmark from = timeTravel.pastBookmark(id, range.from(), range.fromTimestamp());
    Bookmark to =
        range.to().isEmpty() && range.toTimestamp().isEmpty()
            ? timeTravel.bookmark(id, Optional.empty())
            : timeTravel.pastBookmark(id, range.to(), range.toTimestamp());
    if (from.seq() > to.seq()) {
      throw new D1Exception.InvalidRequest(
          "Invalid request: from ("
              + from
              + ") is after to ("
              + to
              + "): a diff goes from an older state to a newer one");
    }
    return new Bookmark[] {from, to};
  }

  @Override
  public Bookmark bookmark(DatabaseId id, Optional<String> timestamp) {
    return timeTravel.bookmark(id, timestamp);
  }

  @Override
  public Commits commits(
      DatabaseId id,
      Optional<String> since,
      Optional<String> until,
      Optional<String> cursor,
      int limit) {
    TimeTravel.CommitPage page = timeTravel.commits(id, since, until, cursor, limit);
    List<Commit> commits =
        page.commits().stream().map(c -> new Commit(c.bookmark(), c.time())).toList();
    Optional<Bookmark> next =
        page.more() ? Optional.of(commits.getLast().bookmark()) : Optional.empty();
    return new Commits(commits, next);
  }

  @Override
  public Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    TimeTravel.Restored r = timeTravel.restore(id, bookmark, timestamp);
    return new Restored(r.bookmark(), r.previous());
  }
}
