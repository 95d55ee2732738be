package dev.opend1.history;

import dev.opend1.core.Bookmark;
import dev.opend1.engine.StateImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state a {@link RestorePlan} describes, read from a history store: the plan's snapshot as the
 * base, then the pages of its records in order. It only reads; whoever writes it into a file (the
 * engine for a database file, the history for a snapshot) uses {@link
 * dev.opend1.engine.ImageWriter}.
 *
 * @param store where the snapshot and the records are
 * @param databaseId whose history it is, for a damaged record's report ({@link HistoryDamage})
 * @param plan what to apply
 * @param records the index entries of the plan's records, in order
 * @param pageSize bytes per page
 * @param pageCount the target state's size in pages
 * @param target the target state's bookmark
 */
record ReplayImage(
    HistoryStore store,
    String databaseId,
    RestorePlan plan,
    List<LogEntry> records,
    int pageSize,
    int pageCount,
    Bookmark target)
    implements StateImage {

  /** The image of a plan over the records {@code index} holds. */
  static ReplayImage of(
      HistoryStore store, String databaseId, RestorePlan plan, BookmarkIndex index, int pageSize) {
    // A plan's records are contiguous: one range, each sealed segment's index read once.
    List<LogEntry> records =
        plan.records().isEmpty()
            ? List.of()
            : index.entries(plan.records().getFirst(), plan.records().getLast());
    LogEntry target =
        !records.isEmpty() && records.getLast().seq() == plan.target()
            ? records.getLast()
            : index.find(plan.target());
    return new ReplayImage(
        store, databaseId, plan, records, pageSize, target.pageCount(), target.bookmark());
  }

  @Override
  public long position() {
    return plan.target();
  }

  @Override
  public boolean inPlace() {
    return plan.base() == RestorePlan.IN_PLACE;
  }

  @Override
  public ReadableByteChannel openBase() throws IOException {
    return store.openRead(SegmentLog.snapName(plan.base()));
  }

  @Override
  public Optional<Path> baseFile() {
    return inPlace() ? Optional.empty() : store.localFile(SegmentLog.snapName(plan.base()));
  }

  @Override
  public PageReader openPages() {
    return new Pages(this);
  }

  /**
   * Reads the records one at a time, keeping each segment open until the end. A small record is
   * decoded whole; a larger one (an import's) is verified first and its pages then read a buffer at
   * a time, so a replay holds a bounded part of any record.
   */
  private static final class Pages implements PageReader {

    private final ReplayImage image;
    private final HistoryStore store;
    private final Iterator<LogEntry> records;
    private final Map<String, FileChannel> open = new HashMap<>();
    private Iterator<Map.Entry<Integer, byte[]>> pages = Collections.emptyIterator();
    private PageRun run; // a large record's pages still to read, or null

    Pages(ReplayImage image) {
      this.image = image;
      this.store = image.store();
      this.records = image.records().iterator();
    }

    @Override
    public Page next() throws IOException {
      while (true) {
        if (pages.hasNext()) {
          Map.Entry<Integer, byte[]> p = pages.next();
          return new Page(p.getKey(), p.getValue());
        }
        Page p = run == null ? null : run.next();
        if (p != null) {
          return p;
        }
        run = null;
        if (!records.hasNext()) {
          return null;
        }
        read(records.next());
      }
    }

    private void read(LogEntry e) throws IOException {
      FileChannel seg = open.get(e.segment());
      if (seg == null) {
        seg = store.openRead(e.segment());
        open.put(e.segment(), seg);
      }
      int bodyAndCrc = e.length() - RecordCodec.HEADER;
      HistoryRecord r;
      if (e.length() <= RecordCheck.BUFFER_BYTES) {
        ByteBuffer raw = SegmentLog.read(seg, e.offset() + RecordCodec.HEADER, bodyAndCrc);
        r = RecordCodec.decode(raw, bodyAndCrc - RecordCodec.TRAILER, true);
      } else {
        RecordCheck.Checked c = RecordCheck.read(seg, e.offset(), e.offset() + e.length(), null);
        r = c == null ? null : c.record();
      }
      // The seq too: a sealed segment's entries may come from its index file (SegmentIndex),
      // which an open takes without reading the records.
      if (r == null || r.type() != HistoryRecord.PAGES || r.seq() != e.seq()) {
        throw HistoryDamage.found(store, image.databaseId(), e, image.target());
      }
      if (e.length() <= RecordCheck.BUFFER_BYTES) {
        pages = r.pages().entrySet().iterator();
      } else {
        long pagesBytes = bodyAndCrc - RecordCodec.TRAILER - RecordCodec.FIELDS - 16;
        run =
            new PageRun(
                seg,
                e.offset() + RecordCodec.HEADER + RecordCodec.FIELDS,
                pagesBytes,
                r.pageSize());
      }
    }

    @Override
    public void close() throws IOException {
      for (FileChannel c : open.values()) {
        c.close();
      }
    }
  }

  /**
   * The pages of a verified record read from its segment a buffer at a time (at most {@link
   * RecordCheck#BUFFER_BYTES}, a whole number of pages): each is a page number and a page.
   */
  private static final class PageRun {
    private final FileChannel seg;
    private final int pageSize;
    private final ByteBuffer buf;
    private long at;
    private long left;

    PageRun(FileChannel seg, long at, long bytes, int pageSize) {
      this.seg = seg;
      this.at = at;
      this.left = bytes;
      this.pageSize = pageSize;
      int entry = 4 + pageSize;
      this.buf =
          ByteBuffer.allocate((int) Math.min(bytes, RecordCheck.BUFFER_BYTES / entry * entry));
      buf.limit(0);
    }

    /** The next page, or null after the last. */
    Page next() throws IOException {
      if (!buf.hasRemaining()) {
        if (left == 0) {
          return null;
        }
        int n = (int) Math.min(left, buf.capacity());
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
          if (seg.read(buf, at + buf.position()) < 0) {
            throw new IOException("unexpected end of history segment");
          }
        }
        buf.flip();
        at += n;
        left -= n;
      }
      int pgno = buf.getInt();
      byte[] page = new byte[pageSize];
      buf.get(page);
      return new Page(pgno, page);
    }
  }
}
