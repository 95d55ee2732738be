package dev.opend1.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last touch on a row's literals as SQLite wrote them ({@link SnapshotSource#literalsOf}):
 * {@code quote()} keeps a text's control characters as they are, which a line-oriented reader of
 * the dump could break on, and SQLite's {@code GLOB} to find them first costs more than the whole
 * rest of the row. So the bytes are scanned here: a quoted literal holding a byte below 0x20 is
 * rewritten as {@code CAST(X'..' AS TEXT)} of its bytes, and bytes that are not UTF-8 are read with
 * U+FFFD ({@link Utf8#wellFormed}). {@code quote()} writes a BLOB's hex in uppercase and D1's
 * exports write it in lowercase: its digits are lowercased in place ({@link #lowerBlobHex}). A line
 * of printable ASCII, the common case, is returned as it is after two passes.
 */
final class DumpLiterals {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private DumpLiterals() {}

  static byte[] finished(byte[] line) {
    lowerBlobHex(line);
    boolean control = false;
    boolean ascii = true;
    for (byte b : line) {
      control |= b >= 0 && b < 0x20;
      ascii &= b >= 0;
    }
    byte[] out = control ? controlAsHex(line) : line;
    return ascii ? out : Utf8.wellFormed(out);
  }

  /**
   * Lowercases, in place, the hex digits of each BLOB literal ({@code X'..'}) of a line. A quote
   * outside a literal opens one: a BLOB's when it follows an {@code X}, else a text's, which runs
   * to the quote not followed by another and is left as it is. Inside a BLOB's there are only the
   * digits 0-9 (which have bit 0x20 set already) and A-F, so setting that bit lowercases them.
   */
  private static void lowerBlobHex(byte[] line) {
    int i = 0;
    while (i < line.length) {
      if (line[i] != '\'') {
        i++;
      } else if (i > 0 && line[i - 1] == 'X') {
        int end = i + 1;
        for (; end < line.length && line[end] != '\''; end++) {
          line[end] |= 0x20;
        }
        i = end + 1;
      } else {
        i = closingQuote(line, i) + 1;
      }
    }
  }

  /** The quote that closes the text literal opened at {@code open}: one not followed by another. */
  private static int closingQuote(byte[] line, int open) {
    int end = open + 1;
    while (end < line.length) {
      if (line[end] == '\'') {
        if (end + 1 < line.length && line[end + 1] == '\'') {
          end += 2;
          continue;
        }
        return end;
      }
      end++;
    }
    return end;
  }

  /**
   * Rewrites each quoted literal that holds a control character as the hex of its text. Outside
   * quoted literals the line holds only printable ASCII (numbers, {@code NULL}, {@code X'..'},
   * {@code CAST(X'..' AS TEXT)}, commas), so a quote always opens a literal there.
   */
  private static byte[] controlAsHex(byte[] line) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(line.length * 2);
    int i = 0;
    while (i < line.length) {
      if (line[i] != '\'') {
        out.write(line[i++]);
        continue;
      }
      // A literal: from its opening quote to the quote not followed by another.
      int end = closingQuote(line, i);
      boolean control = false;
      for (int k = i + 1; k < end; k++) {
        control |= line[k] >= 0 && line[k] < 0x20;
      }
      if (!control) {
        out.write(line, i, end + 1 - i);
      } else {
        out.writeBytes("CAST(X'".getBytes(StandardCharsets.US_ASCII));
        for (int k = i + 1; k < end; k++) {
          out.write(HEX[(line[k] >> 4) & 0xf]);
          out.write(HEX[line[k] & 0xf]);
          if (line[k] == '\'') {
            k++; // '' stands for one quote
          }
        }
        out.writeBytes("' AS TEXT)".getBytes(StandardCharsets.US_ASCII));
      }
      i = end + 1;
    }
    return out.toByteArray();
  }
}
