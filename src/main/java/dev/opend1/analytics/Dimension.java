package dev.opend1.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;

/**
 * A dimension a group of minutes can be told apart by, and what its value is for a stored minute:
 * the minute itself at some granularity, the database, or the statement's shape. {@code datetime}
 * (the event's time, which opend1 keeps to the minute) may be filtered on, not selected.
 */
enum Dimension {
  DATE("date", 24 * 60),
  DATETIME("datetime", 1),
  DATETIME_MINUTE("datetimeMinute", 1),
  DATETIME_FIVE_MINUTES("datetimeFiveMinutes", 5),
  DATETIME_FIFTEEN_MINUTES("datetimeFifteenMinutes", 15),
  DATETIME_HOUR("datetimeHour", 60),
  DATABASE_ID("databaseId", 0),
  QUERY("query", 0);

  /** Its name in GraphQL. */
  final String field;

  /** Minutes its values are apart (0 for a dimension that is not a time). */
  final int minutes;

  Dimension(String field, int minutes) {
    this.field = field;
    this.minutes = minutes;
  }

  static Optional<Dimension> named(String field) {
    return Arrays.stream(values()).filter(d -> d.field.equals(field)).findFirst();
  }

  boolean isTime() {
    return minutes > 0;
  }

  /**
   * Its value for one stored minute: a {@link LocalDate}, an {@link Instant} at the start of its
   * period, or a text.
   */
  Comparable<?> of(long minute, String database, String query) {
    return switch (this) {
      case DATE -> LocalDate.ofInstant(Instant.ofEpochSecond(minute * 60), ZoneOffset.UTC);
      case DATABASE_ID -> database;
      case QUERY -> query;
      default -> Instant.ofEpochSecond(Math.floorDiv(minute, minutes) * minutes * 60L);
    };
  }

  /** The first minute of a {@link Instant} or {@link LocalDate} value's period. */
  static long minuteOf(Object value) {
    return switch (value) {
      case Instant i -> Math.floorDiv(i.getEpochSecond(), 60);
      case LocalDate d -> d.toEpochDay() * 24 * 60;
      default -> throw new IllegalArgumentException("not a time: " + value);
    };
  }
}
