package dev.opend1.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a text value from the bytes SQLite holds ({@link dev.opend1.engine.ResultRow#text}) as a
 * JSON string: the same bytes Jackson writes for the {@code String} Java decodes from them, which
 * is how every text was written before, but without decoding ASCII. Jackson's {@link
 * JsonGenerator#writeString(String)} escapes {@code "}, {@code \} and the controls below U+0020,
 * writes a character outside the BMP as an escaped surrogate pair ({@code \uD83D\uDE00}), and
 * copies the rest as UTF-8. So ASCII text with none of those three is copied as it is ({@link
 * JsonGenerator#writeRawUTF8String}), other ASCII text is escaped from its bytes ({@link
 * JsonGenerator#writeUTF8String}, whose escapes are the same), and anything else (other scripts,
 * emoji, bytes that are not UTF-8) is decoded and written as a {@code String}, as before. The bytes
 * are classified 16 at a time.
 */
final class JsonText {

  private JsonText() {}

  /** Printable ASCII without {@code "} or {@code \}: copied as it is. */
  static final int PLAIN = 0;

  /** ASCII with a character Jackson escapes. */
  static final int ASCII = 1;

  /** A byte from 0x80 up: decoded. */
  static final int OTHER = 2;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long SPACES = ONES * 0x20;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';

  static void write(JsonGenerator gen, byte[] text) throws IOException {
    switch (kind(text)) {
      case PLAIN -> gen.writeRawUTF8String(text, 0, text.length);
      case ASCII -> gen.writeUTF8String(text, 0, text.length);
      default -> gen.writeString(new String(text, StandardCharsets.UTF_8));
    }
  }

  /** {@link #PLAIN}, {@link #ASCII} or {@link #OTHER}. */
  static int kind(byte[] b) {
    int i = 0;
    int n = b.length;
    long high = 0;
    long escapes = 0;
    // Two words a step: the two chains of arithmetic run side by side (a fifth less CPU than one
    // word a step on 1,000-byte texts).
    for (; i + 16 <= n; i += 16) {
      long v = (long) LONGS.get(b, i);
      long w = (long) LONGS.get(b, i + 8);
      high |= v | w;
      escapes |= escapeBits(v) | escapeBits(w);
    }
    for (; i + 8 <= n; i += 8) {
      long v = (long) LONGS.get(b, i);
      high |= v;
      escapes |= escapeBits(v);
    }
    for (; i < n; i++) {
      int c = b[i];
      high |= c;
      escapes |= c < 0x20 || c == '"' || c == '\\' ? HIGHS : 0;
    }
    if ((high & HIGHS) != 0) {
      return OTHER;
    }
    return (escapes & HIGHS) != 0 ? ASCII : PLAIN;
  }

  /**
   * For a word of ASCII bytes: the high bit set in the lowest byte below 0x20 or equal to {@code "}
   * or {@code \}, and maybe in bytes above it (a borrow only starts at such a byte); none when
   * there is none. A byte below 0x20 borrows in {@code v - SPACES}; a byte equal to {@code "}
   * becomes zero in {@code v ^ QUOTES} and borrows when one is taken away. Bytes from 0x80 up may
   * set high bits too; they make the text {@link #OTHER} anyway.
   */
  private static long escapeBits(long v) {
    return (v - SPACES) | ((v ^ QUOTES) - ONES) | ((v ^ BACKSLASHES) - ONES);
  }
}
