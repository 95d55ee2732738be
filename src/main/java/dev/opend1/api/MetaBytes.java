package dev.opend1.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.opend1.engine.StatementMeta;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A statement's {@code success} and {@code meta} fields as JSON bytes, built by hand into one
 * buffer reused from statement to statement and handed to the generator as a single raw write
 * ({@link JsonGenerator#writeRaw(SerializableString)} copies them into its own buffer).
 *
 * <p>Written field by field through the generator ({@link MetaFields#write}), every one of the
 * meta's thirteen fields and numbers checked the object's state and placed its comma: a seventh of
 * the writer's time in a batch of 1,000 INSERTs. Here the constant runs are bytes encoded once and
 * the numbers' digits are placed directly; the bytes are the generator's own ({@code
 * MetaBytesTest}). Only the common shape is built here: a statement with no {@code bookmark} (a
 * read of a past state) and a duration {@link MetaFields#millis} has a text for. {@link #build}
 * refuses the others, which the generator then writes.
 *
 * <p>Only the unquoted forms of {@link SerializableString} are meaningful: the bytes are raw JSON,
 * never a string value to quote.
 */
final class MetaBytes implements SerializableString {

  private static final byte[] START = ascii(",\"success\":true,\"meta\":{\"served_by\":\"opend1\"");
  private static final byte[] DURATION_START = ascii(",\"timings\":{\"sql_duration_ms\":");
  private static final byte[] DURATION = ascii("},\"duration\":");
  private static final byte[] CHANGES = ascii(",\"changes\":");
  private static final byte[] LAST_ROW_ID = ascii(",\"last_row_id\":");
  private static final byte[] CHANGED_DB = ascii(",\"changed_db\":");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] SIZE_AFTER = ascii(",\"size_after\":");
  private static final byte[] ROWS_READ = ascii(",\"rows_read\":");
  private static final byte[] ROWS_WRITTEN = ascii(",\"rows_written\":");
  private static final byte[] END = ascii(",\"total_attempts\":1}");

  /** Room for the constant runs, the longest {@code served_by...} run and seven numbers. */
  private final byte[] buf = new byte[512];

  private int len;

  /**
   * Fills the buffer with {@code m}'s fields as the generator writes them into a statement's object
   * after its {@code results} (so starting with the comma), and returns true; or returns false,
   * leaving it empty, for a meta this class does not build.
   *
   * @param servedBy {@link MetaFields#servedBy}'s run for the answering region
   */
  boolean build(SerializableString servedBy, StatementMeta m, String asOfBookmark) {
    len = 0;
    if (asOfBookmark != null) {
      return false;
    }
    put(START);
    len += servedBy.appendUnquotedUTF8(buf, len);
    put(DURATION_START);
    int duration = len;
    len = MetaFields.millis(m.durationMs(), buf, len);
    if (len < 0) {
      len = 0;
      return false;
    }
    int durationBytes = len - duration;
    put(DURATION);
    System.arraycopy(buf, duration, buf, len, durationBytes); // the same text again
    len += durationBytes;
    put(CHANGES);
    len = MetaFields.digits(m.changes(), buf, len);
    put(LAST_ROW_ID);
    len = MetaFields.digits(m.lastRowId(), buf, len);
    put(CHANGED_DB);
    put(m.changedDb() ? TRUE : FALSE);
    put(SIZE_AFTER);
    len = MetaFields.digits(m.sizeAfter(), buf, len);
    put(ROWS_READ);
    len = MetaFields.digits(m.rowsRead(), buf, len);
    put(ROWS_WRITTEN);
    len = MetaFields.digits(m.rowsWritten(), buf, len);
    put(END);
    return true;
  }

  private void put(byte[] b) {
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public int appendUnquotedUTF8(byte[] out, int offset) {
    if (offset + len > out.length) {
      return -1; // the generator then flushes and writes asUnquotedUTF8()
    }
    System.arraycopy(buf, 0, out, offset, len);
    return len;
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return Arrays.copyOf(buf, len);
  }

  @Override
  public String getValue() {
    return new String(buf, 0, len, StandardCharsets.US_ASCII);
  }

  @Override
  public int charLength() {
    return len;
  }

  @Override
  public int appendUnquoted(char[] out, int offset) {
    if (offset + len > out.length) {
      return -1;
    }
    for (int i = 0; i < len; i++) {
      out[offset + i] = (char) buf[i];
    }
    return len;
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws java.io.IOException {
    out.write(buf, 0, len);
    return len;
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer out) {
    if (out.remaining() < len) {
      return -1;
    }
    out.put(buf, 0, len);
    return len;
  }

  @Override
  public char[] asQuotedChars() {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }

  @Override
  public int appendQuotedUTF8(byte[] out, int offset) {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }

  @Override
  public int appendQuoted(char[] out, int offset) {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }

  @Override
  public int putQuotedUTF8(ByteBuffer out) {
    throw new UnsupportedOperationException("raw JSON, never quoted");
  }
}
