package dev.opend1.history;

import static java.time.temporal.ChronoUnit.MICROS;

import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.Engine;
import dev.opend1.engine.PausedDatabase;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time travel as D1 offers it: the bookmark now or at an instant, and restore to a bookmark or an
 * instant. A restore builds the target state from the history (a snapshot and the records after it)
 * while the database keeps serving, then pauses it only to make that state the newest one; a
 * restore is itself a commit, so the bookmark from before it undoes it.
 */
public final class TimeTravel {

  private static final Logger LOG = LoggerFactory.getLogger(TimeTravel.class);

  /** How long running requests may finish before a restore interrupts them. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final History history;
  private final Engine engine;
  private final int maxRestores;
  private final Duration restoreWindow;

  /** Successful restores per database in the rate-limit window, oldest first. */
  private final Map<DatabaseId, Deque<Instant>> restores = new ConcurrentHashMap<>();

  /** How long a restore lets running requests finish before it interrupts them. */
  private final Duration grace;

  public TimeTravel(History history, Engine engine, int maxRestores, Duration restoreWindow) {
    this(history, engine, maxRestores, restoreWindow, GRACE);
  }

  TimeTravel(
      History history, Engine engine, int maxRestores, Duration restoreWindow, Duration grace) {
    this.grace = grace;
    this.history = history;
    this.engine = engine;
    this.maxRestores = maxRestores;
    this.restoreWindow = restoreWindow;
  }

  /** Totals of the history behind time travel: records, bytes, snapshots, restores. */
  public HistoryCounters counters() {
    return history.counters();
  }

  /** What a restore answers. */
  public record Restored(Bookmark bookmark, Bookmark previous) {}

  /** The current bookmark, or the one at {@code timestamp}. */
  public Bookmark bookmark(DatabaseId id, Optional<String> timestamp) {
    DatabaseHistory h = open(id);
    return timestamp.map(t -> at(h, t)).orElseGet(h::current);
  }

  /** A commit: its bookmark and commit time. */
  public record Commit(Bookmark bookmark, Instant time) {}

  /** A page of commits, newest first, and whether older ones in the range follow. */
  public record CommitPage(List<Commit> commits, boolean more) {}

  /**
   * Up to {@code limit} commits made from {@code since} to {@code until} (timestamps as D1 takes
   * them; by default the retention window up to now), older than the commit {@code cursor} names
   * when given, newest first. The cursor must be a bookmark of this database's history.
   */
  public CommitPage commits(
      DatabaseId id,
      Optional<String> since,
      Optional<String> until,
      Optional<String> cursor,
      int limit) {
    long from = since.map(TimeTravel::parseTimestamp).map(TimeTravel::micros).orElse(0L);
    long to = until.map(TimeTravel::parseTimestamp).map(TimeTravel::micros).orElse(Long.MAX_VALUE);
    if (from > to) {
      throw new D1Exception.InvalidRequest(
          "Invalid range: since (" + since.get() + ") is after until (" + until.get() + ")");
    }
    DatabaseHistory h = open(id);
    long before = cursor.map(c -> verify(h, c).seq()).orElse(Long.MAX_VALUE);
    List<LogEntry> found = h.commits(from, to, before, limit + 1);
    List<Commit> page =
        found.stream()
            .limit(limit)
            .map(e -> new Commit(e.bookmark(), Instant.EPOCH.plus(e.timeMicros(), MICROS)))
            .toList();
    return new CommitPage(page, found.size() > limit);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  /** Restores the database to a bookmark or a timestamp (exactly one of them). */
  public Restored restore(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    DatabaseHistory h = open(id);
    Bookmark target = target(h, bookmark, timestamp);
    checkRate(id);
    Path built = null;
    try {
      built = Files.createTempFile(engine.tmpDir(), "restore-", ".db");
      h.buildImage(target.seq(), built);
      Bookmark restored;
      try (PausedDatabase paused = engine.pause(id, grace)) {
        restored = h.commitRestore(built, target.seq());
        replaceFile(id, h, paused, restored);
      }
      Bookmark previous = previousOf(h, restored);
      countRestore(id);
      history.counters().restores.increment();
      return new Restored(restored, previous);
    } catch (D1Exception e) {
      history.counters().restoreFailures.increment();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      history.counters().restoreFailures.increment();
      throw new dev.opend1.engine.EngineException("restore " + id + ": interrupted", e);
    } catch (Exception e) {
      history.counters().restoreFailures.increment();
      // A damaged record the target needs fails the build, before the pause: nothing changed.
      throw D1Exception.HistoryDamaged.orElse(
          e,
          () -> new dev.opend1.engine.EngineException("restore " + id + ": " + e.getMessage(), e));
    } finally {
      if (built != null) {
        try {
          Files.deleteIfExists(built);
        } catch (IOException ignored) {
          // the file was moved into the history, or is left for the next start to clear
        }
      }
    }
  }

  /**
   * The bookmark a read as of a bookmark or a timestamp (exactly one of them) reads, checked as a
   * restore checks its target: the same errors for a bookmark outside the retained history.
   */
  public Bookmark pastBookmark(
      DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    return target(open(id), bookmark, timestamp);
  }

  /**
   * Checks a bookmark a client last saw ({@code x-d1-bookmark}, D1's Sessions API) against this
   * database's history, whose newest state is always at or after any of its own bookmarks: one of
   * its commits, or one older than the retained history, is reached. A text not shaped like a
   * bookmark is refused as time travel refuses it; a bookmark of another database's history, or
   * ahead of this one's newest commit, is refused as not this database's (waiting would not bring
   * it: on the node that writes the database, nothing newer exists).
   */
  public void requireReached(DatabaseId id, String text) {
    DatabaseHistory h = open(id);
    Bookmark b = parse(text);
    switch (h.check(b)) {
      case VALID, EXPIRED -> {}
      case FOREIGN, AHEAD -> throw foreign(text);
    }
  }

  /**
   * The state at a bookmark {@link #pastBookmark} gave, as the history describes it: the latest
   * snapshot at or before it and the records after that, for the engine to make a past state of.
   */
  public StateImage imageAt(DatabaseId id, Bookmark at) {
    return open(id).imageAt(at.seq());
  }

  /** A restore's or a past read's target: exactly one of a bookmark and a timestamp. */
  private Bookmark target(
      DatabaseHistory h, Optional<String> bookmark, Optional<String> timestamp) {
    if (bookmark.isPresent() == timestamp.isPresent()) {
      throw new D1Exception.InvalidRequest(
          "Invalid request: give exactly one of the query parameters bookmark or timestamp");
    }
    return bookmark.map(b -> verify(h, b)).orElseGet(() -> at(h, timestamp.get()));
  }

  /**
   * Has the engine write the restored state into the paused database's file. The restore is already
   * durable in the history, so a failure here does not undo it: the file is then rebuilt from the
   * restore's snapshot when it next opens.
   */
  private static void replaceFile(
      DatabaseId id, DatabaseHistory h, PausedDatabase paused, Bookmark restored) {
    try {
      paused.replaceFile(h.imageAt(restored.seq()));
      h.fileHolds(restored.seq());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "writing the restored state of {} (rebuilt at its next open): {}", id, e.getMessage());
    }
  }

  /** The bookmark just before a restore's: what undoes it. */
  private static Bookmark previousOf(DatabaseHistory h, Bookmark restored) {
    Optional<Bookmark> before = h.bookmarkOf(restored.seq() - 1);
    return before.orElseThrow();
  }

  private DatabaseHistory open(DatabaseId id) {
    try {
      return history.of(id);
    } catch (IOException e) {
      // A sealed segment without a usable index file is scanned, and damage in it fails the open.
      throw D1Exception.HistoryDamaged.orElse(
          e,
          () ->
              new dev.opend1.engine.EngineException(
                  "open history of " + id + ": " + e.getMessage(), e));
    }
  }

  /** A bookmark's text read: refused when malformed, or when it names no position opend1 writes. */
  private static Bookmark parse(String text) {
    if (!Bookmark.hasShape(text)) {
      throw new D1Exception.InvalidRequest(
          "Invalid bookmark '"
              + text
              + "': a bookmark is four lowercase hex groups 8-8-8-32, as returned by"
              + " time_travel/bookmark");
    }
    return Bookmark.parse(text).orElseThrow(() -> foreign(text));
  }

  private Bookmark verify(DatabaseHistory h, String text) {
    Bookmark b = parse(text);
    return switch (h.check(b)) {
      case VALID -> b;
      case EXPIRED ->
          throw new D1Exception.InvalidRequest(
              "Bookmark "
                  + text
                  + " is older than this database's retained history (the retention window is "
                  + history.retention().toDays()
                  + " days)");
      case FOREIGN, AHEAD -> throw foreign(text);
    };
  }

  /** A well-formed bookmark that names no position in this database's history. */
  private static D1Exception foreign(String text) {
    return new D1Exception.InvalidRequest(
        "Bookmark " + text + " does not belong to this database's history");
  }

  private Bookmark at(DatabaseHistory h, String text) {
    Instant t = parseTimestamp(text);
    Instant now = Instant.now();
    if (t.isAfter(now.plusSeconds(1))) {
      throw new D1Exception.InvalidRequest("Invalid timestamp '" + text + "': it is in the future");
    }
    Instant windowStart = now.minus(history.retention());
    if (t.isBefore(windowStart)) {
      throw new D1Exception.InvalidRequest(
          "Invalid timestamp '"
              + text
              + "': it is before the retention window (the last "
              + history.retention().toDays()
              + " days)");
    }
    return h.at(micros(t)).orElseGet(h::first);
  }

  /**
   * What D1 takes as a timestamp: Unix seconds, or a date-time JavaScript's {@code Date.parse}
   * reads. That is ECMAScript's date-time string format (ECMA-262 "Date Time String Format": {@code
   * YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD}, each optionally followed by {@code THH:mm}, {@code
   * :ss}, {@code .sss} and {@code Z} or {@code ±HH:mm}; a date alone is UTC), with a space allowed
   * for the {@code T} as V8 allows, and the RFC 1123 form {@code Date.toUTCString} writes. A
   * date-time without an offset is local time in JavaScript; this server's local time is UTC.
   */
  static Instant parseTimestamp(String text) {
    String s = text.strip();
    try {
      // A bare four-digit year is a year, as Date.parse reads it, not Unix seconds.
      Matcher m = ECMA_DATE_TIME.matcher(s);
      if (m.matches()) {
        return ecmaDateTime(m);
      }
      if (s.matches("-?\\d+(\\.\\d+)?")) {
        BigDecimal seconds = new BigDecimal(s);
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
      }
      return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw new D1Exception.InvalidRequest(
          "Invalid timestamp '"
              + text
              + "': use a JavaScript date-time (2026-01-15T12:00:00Z, 2026-01-15) or Unix seconds"
              + " (1768478400)");
    }
  }

  /**
   * ECMA-262's date-time string format; groups: year, month, day, hour, minute, second, fraction,
   * offset.
   */
  private static final Pattern ECMA_DATE_TIME =
      Pattern.compile(
          "([+-]\\d{6}|\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?"
              + "(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?"
              + "([Zz]|[+-]\\d{2}:\\d{2})?");

  private static Instant ecmaDateTime(Matcher m) {
    int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
    int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
    int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
    int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
    int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
    int nanos =
        m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
    if (m.group(4) == null && m.group(8) != null) {
      throw new DateTimeException("an offset needs a time");
    }
    ZoneOffset offset =
        m.group(8) == null || m.group(8).equalsIgnoreCase("z")
            ? ZoneOffset.UTC
            : ZoneOffset.of(m.group(8));
    return OffsetDateTime.of(
            Integer.parseInt(m.group(1)), month, day, hour, minute, second, nanos, offset)
        .toInstant();
  }

  private void checkRate(DatabaseId id) {
    Deque<Instant> recent = restores.computeIfAbsent(id, k -> new ArrayDeque<>());
    synchronized (recent) {
      Instant cutoff = Instant.now().minus(restoreWindow);
      while (!recent.isEmpty() && recent.peekFirst().isBefore(cutoff)) {
        recent.pollFirst();
      }
      if (recent.size() >= maxRestores) {
        throw new D1Exception.RateLimited(
            "Too many restores: at most "
                + maxRestores
                + " per "
                + restoreWindow.toMinutes()
                + " minutes per database; try again later");
      }
    }
  }

  private void countRestore(DatabaseId id) {
    Deque<Instant> recent = restores.computeIfAbsent(id, k -> new ArrayDeque<>());
    synchronized (recent) {
      recent.addLast(Instant.now());
    }
  }
}
