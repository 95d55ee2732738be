package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history's record format on real segments ({@code src/test/resources/history/segment/<case>/},
 * made by {@link HistoryFixtures} from a real WAL): format 1 decodes and encodes back to the same
 * bytes, the hash chain binds each record to the ones before it, and damage is recognised.
 */
class RecordCodecTest {

  @TempDir Path dir;

  static Path segment(String name) {
    try {
      return Path.of(
          RecordCodecTest.class
              .getResource("/history/segment/" + name + "/" + SegmentLog.segName(0))
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decodes records from the start of a segment until one does not decode (null marks it). */
  private static List<HistoryRecord> decodeAll(byte[] bytes) throws IOException {
    List<HistoryRecord> records = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int pos = 0;
    while (pos < bytes.length) {
      int len = RecordCodec.bodyLength(b.slice(pos, RecordCodec.HEADER));
      HistoryRecord r =
          RecordCodec.decode(
              b.slice(pos + RecordCodec.HEADER, len + RecordCodec.TRAILER), len, true);
      records.add(r);
      if (r == null) {
        break;
      }
      pos += RecordCodec.HEADER + len + RecordCodec.TRAILER;
    }
    return records;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void formatOneDecodesAndEncodesBackToTheSameBytes() throws Exception {
    byte[] bytes = read(segment("format-1"));
    List<HistoryRecord> records = decodeAll(bytes);
    assertThat(records).hasSize(2);
    HistoryRecord image = records.get(0);
    assertThat(image.seq()).isZero();
    assertThat(image.type()).isEqualTo(HistoryRecord.IMAGE);
    assertThat(image.timeMicros()).isEqualTo(HistoryFixtures.TIME_MICROS);
    assertThat(image.pages()).isEmpty();
    HistoryRecord pages = records.get(1);
    assertThat(pages.seq()).isEqualTo(1);
    assertThat(pages.type()).isEqualTo(HistoryRecord.PAGES);
    assertThat(pages.pageSize()).isEqualTo(HistoryFixtures.PAGE_SIZE);
    assertThat(pages.pageCount()).isEqualTo(2);
    assertThat(pages.pages()).containsOnlyKeys(1, 2);
    assertThat(pages.restoredFrom()).isEqualTo(-1);

    ByteBuffer again = ByteBuffer.allocate(bytes.length);
    again.put(RecordCodec.encode(image)).put(RecordCodec.encode(pages));
    assertThat(again.array()).as("format 1 is pinned byte for byte").isEqualTo(bytes);
  }

  @Test
  void eachHashChainsTheRecordsBeforeIt() throws Exception {
    List<HistoryRecord> records = decodeAll(read(segment("format-1")));
    HistoryRecord image = records.get(0);
    HistoryRecord pages = records.get(1);
    assertThat(image.hash())
        .isEqualTo(remake(RecordCodec.seedHash(HistoryFixtures.DATABASE_ID), image).hash());
    assertThat(pages.hash()).isEqualTo(remake(image.hash(), pages).hash());
    assertThat(remake(RecordCodec.seedHash("another-db"), image).hash())
        .as("the chain starts from the database's id")
        .isNotEqualTo(image.hash());
  }

  private static HistoryRecord remake(byte[] previous, HistoryRecord r) {
    return RecordCodec.make(
        previous,
        r.seq(),
        r.timeMicros(),
        r.type(),
        r.pageSize(),
        r.pageCount(),
        r.pages(),
        r.restoredFrom());
  }

  @Test
  void aChangedByteFailsTheRecordsCrc() throws Exception {
    List<HistoryRecord> records = decodeAll(read(segment("crc-mismatch")));
    assertThat(records).hasSize(2);
    assertThat(records.get(0)).as("the record before the damage").isNotNull();
    assertThat(records.get(1)).as("the damaged record").isNull();
  }

  @Test
  void aNewerFormatIsRefusedNotMisread() throws Exception {
    byte[] bytes = read(segment("future-format"));
    assertThatThrownBy(() -> RecordCodec.bodyLength(ByteBuffer.wrap(bytes, 0, RecordCodec.HEADER)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format 2");
    assertThat(RecordCodec.bodyLength(ByteBuffer.allocate(RecordCodec.HEADER)))
        .as("no magic: not a record at all")
        .isEqualTo(-1);
  }

  @Test
  void aTornTailIsCutOffWhenTheLogOpens() throws Exception {
    Path copy = dir.resolve(SegmentLog.segName(0));
    Files.copy(segment("torn-tail"), copy);
    SegmentLog log = new SegmentLog(new LocalHistoryStore(dir), HistoryFixtures.DATABASE_ID);
    BookmarkIndex index = new BookmarkIndex(log::entriesOf);
    try {
      assertThat(log.load(index)).isEqualTo(HistoryFixtures.PAGE_SIZE);
    } finally {
      log.close();
    }
    assertThat(index.size()).isEqualTo(2);
    assertThat(Files.size(copy)).isEqualTo(Files.size(segment("format-1")));
  }
}
