package dev.opend1.engine;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as the JDK reads it, checked on bytes without decoding them: SQLite stores whatever bytes a
 * TEXT value was given, and an export copies its rows' bytes straight into the dump, which must
 * stay readable as UTF-8.
 */
final class Utf8 {

  private Utf8() {}

  /**
   * {@code b} itself when it is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
   * nothing past U+10FFFF), else its bytes read with U+FFFD for each malformed sequence, as the
   * JDK's decoder reads them.
   */
  static byte[] wellFormed(byte[] b) {
    return isWellFormed(b)
        ? b
        : new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }

  static boolean isWellFormed(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int len;
      int min2;
      int max2 = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min2 = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min2 = c == 0xe0 ? 0xa0 : 0x80; // no overlong forms
        max2 = c == 0xed ? 0x9f : 0xbf; // no surrogates
      } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min2 = c == 0xf0 ? 0x90 : 0x80; // no overlong forms
        max2 = c == 0xf4 ? 0x8f : 0xbf; // nothing past U+10FFFF
      } else {
        return false;
      }
      if (i + len > n) {
        return false;
      }
      int second = b[i + 1] & 0xff;
      if (second < min2 || second > max2) {
        return false;
      }
      for (int k = 2; k < len; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return false;
        }
      }
      i += len;
    }
    return true;
  }
}
