package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * A text value written from its UTF-8 bytes is byte for byte what Jackson writes for the decoded
 * {@code String}, the way every result was written before: the escapes, characters outside the BMP
 * (which Jackson writes as escaped surrogate pairs), the copy of everything else, and the scan that
 * picks between them.
 */
class JsonTextTest {

  /** The old way: the bytes decoded (U+FFFD for what is malformed) and written as a String. */
  private static byte[] asString(byte[] utf8) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      gen.writeStartArray();
      gen.writeString(new String(utf8, StandardCharsets.UTF_8));
      gen.writeNumber(1);
      gen.writeEndArray();
    }
    return out.toByteArray();
  }

  /** The new way, from the bytes as SQLite holds them. */
  private static byte[] asBytes(byte[] utf8) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      gen.writeStartArray();
      JsonText.write(gen, utf8);
      gen.writeNumber(1);
      gen.writeEndArray();
    }
    return out.toByteArray();
  }

  private static int kindByteByByte(byte[] b) {
    int kind = JsonText.PLAIN;
    for (byte x : b) {
      int c = x & 0xff;
      if (c >= 0x80) {
        return JsonText.OTHER;
      }
      if (c < 0x20 || c == '"' || c == '\\') {
        kind = JsonText.ASCII;
      }
    }
    return kind;
  }

  @Test
  void everyByteAloneAndInsideLongerText() throws IOException {
    for (int c = 0; c < 256; c++) {
      for (int at : new int[] {0, 3, 7, 8, 9, 15, 16}) {
        byte[] b = "abcdefghijklmnopq".getBytes(StandardCharsets.US_ASCII);
        b[at] = (byte) c;
        assertThat(asBytes(b)).as("byte %02x at %d", c, at).isEqualTo(asString(b));
        assertThat(JsonText.kind(b)).as("byte %02x at %d", c, at).isEqualTo(kindByteByByte(b));
      }
      byte[] one = {(byte) c};
      assertThat(asBytes(one)).as("byte %02x", c).isEqualTo(asString(one));
    }
  }

  @Test
  void textOfEveryKind() throws IOException {
    for (String s :
        List.of(
            "",
            "plain",
            "caf\u00e9 \ud83d\ude00 \u2028\u2029 \u007f",
            "quote \" and backslash \\ and slash /",
            "tab\tnewline\ncr\rnul\u0000bell\u0007 esc\u001b",
            "x".repeat(1000) + "\"")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThat(asBytes(b)).as(s).isEqualTo(asString(b));
    }
  }

  @Property(tries = 2000)
  void anyBytesAreWrittenAsTheirDecodedString(@ForAll("text") byte[] b) throws IOException {
    assertThat(asBytes(b)).isEqualTo(asString(b));
    assertThat(JsonText.kind(b)).isEqualTo(kindByteByByte(b));
  }

  /** Bytes of all kinds: mostly printable ASCII, with escapes, pieces of UTF-8 and junk in it. */
  @Provide
  Arbitrary<byte[]> text() {
    Arbitrary<Byte> any = Arbitraries.bytes();
    Arbitrary<Byte> printable = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7e);
    Arbitrary<Byte> special = Arbitraries.of((byte) '"', (byte) '\\', (byte) 0, (byte) 0x1f);
    Arbitrary<Byte> high =
        Arbitraries.of(
            (byte) 0xc3, (byte) 0xa9, (byte) 0xe2, (byte) 0x82, (byte) 0xf0, (byte) 0x9f);
    return Arbitraries.frequencyOf(
            Tuple.of(6, printable), Tuple.of(2, special), Tuple.of(2, high), Tuple.of(1, any))
        .list()
        .ofMaxSize(40)
        .map(
            list -> {
              byte[] b = new byte[list.size()];
              for (int i = 0; i < b.length; i++) {
                b[i] = list.get(i);
              }
              return b;
            });
  }
}
