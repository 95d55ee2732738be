package dev.opend1.api;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.StateDiff;
import dev.opend1.engine.StateDiff.SchemaChange;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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

  /**
   * The two states a diff compares: the older by bookmark or timestamp (exactly one), the newer the
   * same way or, with neither, the current state.
   */
  record DiffRange(
      Optional<String> from,
      Optional<String> fromTimestamp,
      Optional<String> to,
      Optional<String> toTimestamp) {}

  /** A page of a diff: the bookmarks compared, every schema change, and a page of row changes. */
  record Diff(Bookmark from, Bookmark to, List<SchemaChange> schema, StateDiff.Page rows) {}

  /**
   * A page of the changes from one state to a later one: up to {@code limit} row changes from
   * {@code cursor} (a previous page's next) on. Bookmarks are checked as a restore checks them; the
   * older after the newer is refused.
   */
  Diff diff(DatabaseId id, DiffRange range, Optional<String> cursor, int limit);

  /**
   * Writes the SQL script that turns the older state into the newer to the stream {@code out}
   * gives, which is asked for only once the range has been checked and both states are ready.
   */
  void diffSql(DatabaseId id, DiffRange range, Supplier<OutputStream> out);

  /** Restores the database to a bookmark or a timestamp (exactly one of them). */
  Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp);
}
