package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Where a page of a diff's row changes ends: a table, the scan in it (0: deleted and updated, 1:
 * inserted), and the key of the last row handed out. Its one text form is the opaque cursor the
 * route answers: base64url of lines (the table, the scan, then each key value typed: {@code i:},
 * {@code r:}, {@code t:} base64, {@code b:} base64).
 */
record DiffPosition(String table, int phase, List<Object> key) {

  /** Before the first row of the first table. */
  static final DiffPosition START = new DiffPosition("", 0, null);

  @Override
  public String toString() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    StringBuilder s = new StringBuilder();
    s.append(b64.encodeToString(table.getBytes(StandardCharsets.UTF_8))).append('\n');
    s.append(phase);
    for (Object v : key) {
      s.append('\n');
      switch (v) {
        case Long l -> s.append("i:").append(l);
        case Double d -> s.append("r:").append(Double.doubleToRawLongBits(d));
        case String t ->
            s.append("t:").append(b64.encodeToString(t.getBytes(StandardCharsets.UTF_8)));
        case byte[] b -> s.append("b:").append(b64.encodeToString(b));
        default -> s.append("n:");
      }
    }
    return b64.encodeToString(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The position a cursor names, among {@code tables}; a cursor that names none is refused. */
  static DiffPosition parse(String cursor, List<String> tables) {
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      String[] lines =
          new String(b64.decode(cursor.strip()), StandardCharsets.UTF_8).split("\n", -1);
      String table = new String(b64.decode(lines[0]), StandardCharsets.UTF_8);
      int phase = Integer.parseInt(lines[1]);
      List<Object> key = new ArrayList<>();
      for (int i = 2; i < lines.length; i++) {
        String v = lines[i].substring(2);
        key.add(
            switch (lines[i].substring(0, 2)) {
              case "i:" -> Long.parseLong(v);
              case "r:" -> Double.longBitsToDouble(Long.parseLong(v));
              case "t:" -> new String(b64.decode(v), StandardCharsets.UTF_8);
              case "b:" -> b64.decode(v);
              default -> throw new IllegalArgumentException("value " + lines[i]);
            });
      }
      if (tables.contains(table) && (phase == 0 || phase == 1) && !key.isEmpty()) {
        return new DiffPosition(table, phase, key);
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw new D1Exception.InvalidRequest(
        "Invalid cursor '" + cursor + "': give the cursor a previous page of this diff answered");
  }
}
