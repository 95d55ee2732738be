package dev.opend1.service;

import dev.opend1.api.TimeTravelService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.TimeTravel;
import java.util.List;
import java.util.Optional;

/** The time travel routes' {@link TimeTravelService}: the history's {@link TimeTravel}. */
final class HistoryTimeTravel implements TimeTravelService {

  private final TimeTravel timeTravel;

  HistoryTimeTravel(TimeTravel timeTravel) {
    this.timeTravel = timeTravel;
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
