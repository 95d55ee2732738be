package dev.opend1.api;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import java.util.Optional;

/** What the time travel routes need: bookmarks, and restores to one. */
public interface TimeTravelService {

  /** What a restore did: the state it restored, and the one it replaced (to undo it). */
  record Restored(Bookmark bookmark, Bookmark previous) {}

  /** The current bookmark, or the one at {@code timestamp}. */
  Bookmark bookmark(DatabaseId id, Optional<String> timestamp);

  /** Restores the database to a bookmark or a timestamp (exactly one of them). */
  Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp);
}
