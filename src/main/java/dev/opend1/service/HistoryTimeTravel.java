package dev.opend1.service;

import dev.opend1.api.TimeTravelService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.TimeTravel;
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
  public Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    TimeTravel.Restored r = timeTravel.restore(id, bookmark, timestamp);
    return new Restored(r.bookmark(), r.previous());
  }
}
