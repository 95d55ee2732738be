package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.opend1.core.Region;
import dev.opend1.engine.StatementMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A statement's meta built as bytes is byte for byte what the generator writes field by field. */
class MetaBytesTest {

  /** A statement object as QueryOutput writes it, its meta by the generator or as bytes. */
  private static String statement(StatementMeta m, SerializableString servedBy, boolean asBytes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      gen.writeStartArray();
      for (int i = 0; i < 2; i++) {
        gen.writeStartObject();
        gen.writeArrayFieldStart("results");
        gen.writeEndArray();
        MetaBytes bytes = new MetaBytes();
        if (asBytes) {
          assertThat(bytes.build(servedBy, m, null)).isTrue();
          gen.writeRaw(bytes);
        } else {
          MetaFields.write(gen, servedBy, m, null);
        }
        gen.writeEndObject();
      }
      gen.writeEndArray();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theBytesAreTheGeneratorsForAnyFigures() throws IOException {
    SplittableRandom random = new SplittableRandom(23);
    long[] edges = {0, 1, 9, 10, 99, 4096, Long.MAX_VALUE, -1, Long.MIN_VALUE};
    for (int i = 0; i < 20_000; i++) {
      long[] v = new long[5];
      for (int j = 0; j < v.length; j++) {
        v[j] =
            switch (random.nextInt(3)) {
              case 0 -> edges[random.nextInt(edges.length)];
              case 1 -> random.nextLong(0, 100_000);
              default -> random.nextLong();
            };
      }
      double ms = random.nextLong(0, 86_400_000_000_000L) / 1_000_000.0;
      StatementMeta m = new StatementMeta(ms, v[0], v[1], random.nextBoolean(), v[2], v[3], v[4]);
      Region region = Region.values()[random.nextInt(Region.values().length)];
      SerializableString servedBy = MetaFields.servedBy(region, random.nextBoolean());
      assertThat(statement(m, servedBy, true)).isEqualTo(statement(m, servedBy, false));
    }
  }

  @Test
  void aBookmarkOrADurationWithNoTextIsLeftToTheGenerator() {
    SerializableString servedBy = MetaFields.servedBy(Region.WNAM, true);
    MetaBytes bytes = new MetaBytes();
    assertThat(bytes.build(servedBy, new StatementMeta(0.5, 1, 1, true, 4096, 0, 1), "bm"))
        .isFalse();
    assertThat(bytes.build(servedBy, new StatementMeta(-1, 1, 1, true, 4096, 0, 1), null))
        .isFalse();
    assertThat(bytes.charLength()).isZero();
  }

  /** A meta that does not fit the generator's buffer goes out whole all the same. */
  @Test
  void aMetaPastTheGeneratorsBufferIsWrittenWhole() throws IOException {
    StatementMeta m = new StatementMeta(1.25, 3, 7, true, 8192, 2, 3);
    SerializableString servedBy = MetaFields.servedBy(Region.WNAM, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String filler = "x".repeat(7_990);
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("results", filler);
      MetaBytes bytes = new MetaBytes();
      assertThat(bytes.build(servedBy, m, null)).isTrue();
      gen.writeRaw(bytes);
      gen.writeEndObject();
    }
    var node = Json.MAPPER.readTree(out.toByteArray());
    assertThat(node.get("results").asText()).isEqualTo(filler);
    assertThat(node.get("meta").get("size_after").asLong()).isEqualTo(8192);
    assertThat(node.get("meta").get("duration").asDouble()).isEqualTo(1.25);
  }
}
