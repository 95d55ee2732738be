package dev.opend1.api;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the time travel routes need: bookmarks, the commits they name, and restores to one. */
public interface TimeTravelService {

  /** What a restore did: the state it restored, and the one it replaced (to undo it). */
  record Restored(Bookmark bookmark, Bookmark previous) {}

  /** The current bookmark, or the one at {@code timestamp}. */
  Bookmark bookmark(DatabaseId id, Optional<String> timestamp);

  /** A commit of a database: its bookmark and commit time. */
  record Commit(Bookmark bookmark, Instant time) {}

  /** A page of commits, newest first, and the cursor of the next (older) page, if there is one. */
  record Commits(List<Commit> commits, Optional<Bookmark> next) {}

  /**
   * Up to {@code limit} commits made from {@code since} to {@code until} (D1's timestamps; the
   * retention window up to now by default), older than the bookmark {@code cursor}, newest first.
   */
  Commits commits(
      DatabaseId id,
      Optional<String> since,
      Optional<String> until,
      Optional<String> cursor,
      int limit);

  /** Restores the database to a bookmark or a timestamp (exactly one of them). */
  Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp);
}
