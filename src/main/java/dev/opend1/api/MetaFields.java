package dev.opend1.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.opend1.core.Region;
import dev.opend1.engine.StatementMeta;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes a statement's {@code success} and {@code meta} fields, D1's shape, once per statement of
 * every response: 1,000 times for a batch of 1,000 statements, where building the same field names
 * and constant values again for each cost more than running the INSERT. The names are encoded once
 * ({@link SerializedString}), and the fields that never change within a response ({@code
 * served_by...}) go out as one run of bytes after the first of them, so the generator still places
 * the commas.
 */
final class MetaFields {

  private static final SerializableString SUCCESS = new SerializedString("success");
  private static final SerializableString META = new SerializedString("meta");
  private static final SerializableString SERVED_BY = new SerializedString("served_by");
  private static final SerializableString OPEND1 = new SerializedString("opend1");
  private static final SerializableString TIMINGS = new SerializedString("timings");
  private static final SerializableString SQL_DURATION_MS = new SerializedString("sql_duration_ms");
  private static final SerializableString DURATION = new SerializedString("duration");
  private static final SerializableString CHANGES = new SerializedString("changes");
  private static final SerializableString LAST_ROW_ID = new SerializedString("last_row_id");
  private static final SerializableString CHANGED_DB = new SerializedString("changed_db");
  private static final SerializableString SIZE_AFTER = new SerializedString("size_after");
  private static final SerializableString ROWS_READ = new SerializedString("rows_read");
  private static final SerializableString ROWS_WRITTEN = new SerializedString("rows_written");
  private static final SerializableString TOTAL_ATTEMPTS = new SerializedString("total_attempts");

  private MetaFields() {}

  /**
   * The fields after {@code served_by} that are the same for every statement of a database's
   * responses, as raw JSON starting with the comma that separates them from it.
   *
   * @param region the region that answers (its name is letters only: nothing to escape): the
   *     database's, or a read replica's
   * @param primary false for a read replica's answer
   */
  static SerializableString servedBy(Region region, boolean primary) {
    return (primary ? PRIMARY : REPLICA).get(region);
  }

  /**
   * {@link #servedBy} for every region, made once: a request's answer then writes bytes encoded
   * already, where a new string would be built and encoded to UTF-8 for each one.
   */
  private static final Map<Region, SerializableString> PRIMARY = servedByEach(true);

  private static final Map<Region, SerializableString> REPLICA = servedByEach(false);

  private static Map<Region, SerializableString> servedByEach(boolean primary) {
    Map<Region, SerializableString> each = new EnumMap<>(Region.class);
    for (Region region : Region.values()) {
      SerializedString s =
          new SerializedString(
              ",\"served_by_region\":\""
                  + region.name()
                  + "\",\"served_by_colo\":\"LOCAL\",\"served_by_primary\":"
                  + primary);
      s.asUnquotedUTF8(); // encoded now, not by the first answer
      each.put(region, s);
    }
    return each;
  }

  /**
   * Writes {@code "success": true, "meta": {...}} into the statement's object; {@code asOfBookmark}
   * (opend1's {@code meta.bookmark}) only for a read of a past state, else null.
   */
  static void write(
      JsonGenerator gen, SerializableString servedBy, StatementMeta m, String asOfBookmark)
      throws IOException {
    gen.writeFieldName(SUCCESS);
    gen.writeBoolean(true);
    gen.writeFieldName(META);
    gen.writeStartObject();
    gen.writeFieldName(SERVED_BY);
    gen.writeString(OPEND1);
    gen.writeRaw(servedBy);
    gen.writeFieldName(TIMINGS);
    gen.writeStartObject();
    String duration = millis(m.durationMs());
    gen.writeFieldName(SQL_DURATION_MS);
    writeMillis(gen, duration, m.durationMs());
    gen.writeEndObject();
    gen.writeFieldName(DURATION);
    writeMillis(gen, duration, m.durationMs());
    gen.writeFieldName(CHANGES);
    gen.writeNumber(m.changes());
    gen.writeFieldName(LAST_ROW_ID);
    gen.writeNumber(m.lastRowId());
    gen.writeFieldName(CHANGED_DB);
    gen.writeBoolean(m.changedDb());
    gen.writeFieldName(SIZE_AFTER);
    gen.writeNumber(m.sizeAfter());
    gen.writeFieldName(ROWS_READ);
    gen.writeNumber(m.rowsRead());
    gen.writeFieldName(ROWS_WRITTEN);
    gen.writeNumber(m.rowsWritten());
    gen.writeFieldName(TOTAL_ATTEMPTS);
    gen.writeNumber(1);
    if (asOfBookmark != null) {
      gen.writeStringField("bookmark", asOfBookmark);
    }
    gen.writeEndObject();
  }

  /**
   * A duration in milliseconds as a JSON number, written once for both fields that carry it. The
   * engine measures whole nanoseconds, so the value is nanoseconds over a million: its digits are
   * the nanoseconds' own, placed with integer arithmetic, where {@link Double#toString} searched
   * for the shortest digits that round-trip (a tenth of the writer's time in a batch of 1,000
   * INSERTs, twice per statement). The same number: {@code 0.0123}, {@code 2.5}, {@code 1.0}. Null
   * for a value that is no such count (negative, not finite, past a day).
   */
  static String millis(double ms) {
    byte[] text = new byte[MILLIS_MAX_BYTES];
    int end = millis(ms, text, 0);
    return end < 0 ? null : new String(text, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The longest {@link #millis} text: eight digits, the point, six digits. */
  static final int MILLIS_MAX_BYTES = 15;

  /**
   * Places {@link #millis}'s text in {@code out} at {@code at} as ASCII bytes and returns where it
   * ends; -1, writing nothing, when it has none.
   */
  static int millis(double ms, byte[] out, int at) {
    if (!(ms >= 0 && ms < 86_400_000.0)) {
      return -1;
    }
    long nanos = Math.round(ms * 1_000_000.0);
    int end = digits(nanos / 1_000_000, out, at);
    out[end++] = '.';
    int fraction = (int) (nanos % 1_000_000);
    if (fraction == 0) {
      out[end++] = '0';
      return end;
    }
    int digits = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    // The fraction's digits with the zeros that lead them: below 10^digits, so the loop pads.
    for (int i = end + digits - 1; i >= end; i--) {
      out[i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    return end + digits;
  }

  /**
   * Places a long's decimal digits ({@link Long#toString}'s) in {@code out} at {@code at} and
   * returns where they end.
   */
  static int digits(long v, byte[] out, int at) {
    if (v < 0) {
      // A negative rowid: rare, and Long.MIN_VALUE has no positive to place.
      byte[] text = Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      System.arraycopy(text, 0, out, at, text.length);
      return at + text.length;
    }
    int n = 1;
    for (long x = v; x >= 10; x /= 10) {
      n++;
    }
    int end = at + n;
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return end;
  }

  /** Writes {@link #millis}'s text, or the double as the generator writes one when it has none. */
  private static void writeMillis(JsonGenerator gen, String text, double ms) throws IOException {
    if (text != null) {
      gen.writeNumber(text);
    } else {
      gen.writeNumber(ms);
    }
  }
}
