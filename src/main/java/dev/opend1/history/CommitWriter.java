package dev.opend1.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a captured commit's PAGES record into a segment straight from the WAL, a buffer at a time:
 * each changed page is read from the WAL into one reused buffer, added to the chained hash and the
 * CRC32C, and written out, so a commit of any size is captured with a bounded heap (at most {@link
 * #BUFFER_BYTES}). The bytes are exactly those {@link RecordCodec#encode} gives for the record
 * {@link RecordCodec#make} makes of the same pages: header, body (fields, pages in page order,
 * hash), CRC.
 */
final class CommitWriter implements SegmentLog.RecordWrite {

  /** Bytes buffered between writes at most: a small commit is one write, as before. */
  static final int BUFFER_BYTES = 1 << 20;

  private final byte[] previousHash;
  private final long seq;
  private final long timeMicros;
  private final WalReader.Commit commit;

  CommitWriter(byte[] previousHash, long seq, long timeMicros, WalReader.Commit commit) {
    this.previousHash = previousHash;
    this.seq = seq;
    this.timeMicros = timeMicros;
    this.commit = commit;
  }

  @Override
  public long seq() {
    return seq;
  }

  @Override
  public long timeMicros() {
    return timeMicros;
  }

  @Override
  public SegmentLog.Written writeTo(FileChannel out, long at) throws IOException {
    int pageSize = commit.pageSize();
    long bodyLength = RecordCodec.bodyLength(commit.changed(), pageSize);
    if (bodyLength > RecordCodec.MAX_BODY) {
      throw new IOException(
          "a commit changing "
              + commit.changed()
              + " pages of "
              + pageSize
              + " bytes is larger than the "
              + RecordCodec.MAX_BODY
              + " bytes one history record holds");
    }
    long total = RecordCodec.HEADER + bodyLength + RecordCodec.TRAILER;
    Sink sink = new Sink(out, at, (int) Math.min(total, BUFFER_BYTES), previousHash);
    ByteBuffer b = sink.buffer;
    b.putInt(RecordCodec.MAGIC).putInt(RecordCodec.FORMAT).putInt((int) bodyLength);
    sink.bodyStarts();
    b.putLong(seq).putLong(timeMicros).put((byte) HistoryRecord.PAGES);
    b.putInt(pageSize).putInt(commit.pageCount()).putLong(-1).putInt(commit.changed());
    for (int i = 0; i < commit.changed(); i++) {
      if (b.remaining() < 4 + pageSize) {
        sink.flush();
      }
      b.putInt(commit.pgno(i));
      commit.readPage(i, b);
    }
    sink.flush();
    byte[] hash = sink.hash();
    b.put(hash);
    sink.flush(); // the CRC covers the hash too
    b.putInt(sink.crc());
    sink.flush();
    HistoryRecord r =
        new HistoryRecord(
            seq, timeMicros, HistoryRecord.PAGES, pageSize, commit.pageCount(), Map.of(), -1, hash);
    return new SegmentLog.Written(r, (int) total);
  }

  /**
   * The buffer and where its bytes go: each flush adds the body's bytes to the hash (until the hash
   * is taken) and the CRC, then writes the buffer at the next position of the segment.
   */
  private static final class Sink {
    final ByteBuffer buffer;
    private final FileChannel out;
    private long at;
    private final MessageDigest digest = RecordCodec.sha256();
    private final CRC32C crc = new CRC32C();
    private boolean hashing;
    private int bodyFrom = Integer.MAX_VALUE; // where the body starts in the buffer, once it does

    Sink(FileChannel out, long at, int capacity, byte[] previousHash) {
      this.out = out;
      this.at = at;
      this.buffer = ByteBuffer.allocate(capacity);
      digest.reset(); // the thread's digest, which a capture that failed part way may have left fed
      digest.update(previousHash);
    }

    void bodyStarts() {
      bodyFrom = buffer.position();
      hashing = true;
    }

    void flush() throws IOException {
      int from = Math.min(bodyFrom, buffer.position());
      int len = buffer.position() - from;
      if (hashing) {
        digest.update(buffer.array(), from, len);
      }
      crc.update(buffer.array(), from, len);
      buffer.flip();
      while (buffer.hasRemaining()) {
        at += out.write(buffer, at);
      }
      buffer.clear();
      bodyFrom = 0;
    }

    /** The chained hash of everything flushed; the body bytes after it are only in the CRC. */
    byte[] hash() {
      hashing = false;
      return RecordCodec.sha16(digest);
    }

    int crc() {
      bodyFrom = Integer.MAX_VALUE; // the trailer is in neither
      return (int) crc.getValue();
    }
  }
}
