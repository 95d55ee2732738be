package dev.opend1.core;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A point in a database's history: four lowercase hex groups 8-8-8-32. The first three are the
 * commit's sequence number as a 96-bit big-endian position, so comparing two bookmarks of one
 * database as strings compares them in time; the last is the commit's chained hash, which binds the
 * bookmark to this database's history.
 */
public record Bookmark(long seq, byte[] hash) implements Comparable<Bookmark> {

  private static final Pattern SHAPE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}");

  public Bookmark {
    if (seq < 0 || hash == null || hash.length != 16) {
      throw new IllegalArgumentException("a bookmark is a non-negative seq and a 16-byte hash");
    }
  }

  /**
   * Whether the text has a bookmark's shape (8-8-8-32 lowercase hex), whatever its values: such a
   * text that {@link #parse} cannot read is a position outside this server's histories, not a
   * malformed one (D1's bookmarks also have non-zero first groups, e.g. {@code 00000085-...}).
   */
  public static boolean hasShape(String text) {
    return text != null && SHAPE.matcher(text).matches();
  }

  /**
   * Parses the canonical form; empty when the text is not shaped like a bookmark or names no
   * position this server writes (a first group other than {@code 00000000}).
   */
  public static Optional<Bookmark> parse(String text) {
    if (!hasShape(text) || !text.startsWith("00000000-")) {
      return Optional.empty();
    }
    long high = Long.parseLong(text.substring(9, 17), 16);
    long low = Long.parseLong(text.substring(18, 26), 16);
    long seq = (high << 32) | low;
    if (seq < 0) {
      return Optional.empty();
    }
    return Optional.of(new Bookmark(seq, HexFormat.of().parseHex(text.substring(27))));
  }

  @Override
  public String toString() {
    // Not String.format: every answer of /query names its bookmark, and a format string is parsed
    // on each call. toHexDigits of an int writes its 32 bits as 8 lowercase digits, as %08x does.
    HexFormat hex = HexFormat.of();
    return "00000000-"
        + hex.toHexDigits((int) (seq >>> 32))
        + '-'
        + hex.toHexDigits((int) seq)
        + '-'
        + hex.formatHex(hash);
  }

  @Override
  public int compareTo(Bookmark o) {
    return Long.compare(seq, o.seq);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bookmark b && b.seq == seq && java.util.Arrays.equals(b.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + java.util.Arrays.hashCode(hash);
  }
}
