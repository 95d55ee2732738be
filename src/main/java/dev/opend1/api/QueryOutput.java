package dev.opend1.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import dev.opend1.analytics.StatementFigures;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.Bookmark;
import dev.opend1.core.Region;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.ResultRow;
import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes a query's results as D1's JSON, as the engine produces them.
 *
 * <p>A write request's results are held ({@link HeldBytes}) until it commits, then sent with a
 * Content-Length. A read-only request's results stream: they collect in a first buffer, and only
 * when that overflows does the response commit (status 200) and the rest flow on to the client, so
 * memory is bounded however many rows come back. An error before that still gets a proper error
 * answer; after it, the response is cut off (see {@link QueryRoutes}).
 *
 * <p>The engine's thread never writes to the client's socket: streamed bytes go into a {@link
 * BytePipe}, and a virtual thread of this request (the sender) copies them to the connection at
 * whatever speed the client reads. A client that stops reading holds up its own request only.
 */
final class QueryOutput implements ResultSink {

  /** What a streaming response collects before it commits. */
  static final int FIRST_BUFFER_BYTES = 64 * 1024;

  private final QueryCall call;
  private final boolean raw;
  private final DatabaseRecord db;
  private final HeldBytes held;

  /** Where a held response is written: {@link #held}'s stream. */
  private final OutputStream heldOut;

  /** Where streamed bytes wait for the sender once the first buffer overflowed. */
  private final BytePipe pipe;

  /** Copies {@link #pipe} to the client; started when the response commits. */
  private Thread sender;

  /** Why the sender stopped early, or null. */
  private volatile Exception sendFailure;

  private final StreamingOutput streaming = new StreamingOutput();
  private OutputStream target;
  private JsonGenerator gen;

  /** For /query rows: the column index whose value each distinct name gets (the last one). */
  private String[] names;

  private int[] sources;

  /** Each statement's figures so far, for the analytics; emptied by {@link #reset}. */
  private final List<StatementFigures> figures = new ArrayList<>();

  /** Rows the current statement has returned. */
  private long rowsReturned;

  /** The bookmark a request as of a past state reads ({@code meta.bookmark}), or null. */
  private final Bookmark asOf;

  /**
   * The bookmark a read's answer reflects, asked as the response starts: after its snapshot began,
   * so it names that state or a later one. A write's answer carries {@link #durableAt} instead.
   */
  private final Supplier<Bookmark> reflects;

  /** The bookmark of the state that holds this request's write, once it is durable; or null. */
  private Bookmark durableAt;

  QueryOutput(
      QueryCall call,
      boolean raw,
      DatabaseRecord db,
      HeldBytes held,
      BytePipe pipe,
      Bookmark asOf,
      Supplier<Bookmark> reflects,
      Optional<Region> replica) {
    this.asOf = asOf;
    this.reflects = reflects;
    this.call = call;
    this.raw = raw;
    this.db = db;
    this.held = held;
    this.heldOut = held.output();
    this.pipe = pipe;
    this.servedBy =
        replica.isPresent()
            ? MetaFields.servedBy(replica.get(), false)
            : MetaFields.servedBy(db.createdInRegion(), true);
  }

  /** The constant fields of every statement's meta for this database, encoded once. */
  private final SerializableString servedBy;

  /** Each statement's meta as bytes, reused from one statement to the next. */
  private final MetaBytes metaBytes = new MetaBytes();

  /**
   * Where the generator writes: the target, and for a held response the envelope's tail in memory
   * once the write has committed (see {@link #finish}).
   */
  private final Redirect out = new Redirect();

  /** The envelope's tail of a held response, written after its commit. */
  private final ByteArrayOutputStream tail = new ByteArrayOutputStream(64);

  @Override
  public void begin(boolean mayStream) throws IOException {
    target = mayStream ? streaming : heldOut;
    out.to = target;
    gen = Json.MAPPER.getFactory().createGenerator(out);
    // Closing the generator (in finish) closes no stream: Redirect's target outlives it.
    gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    Envelope.startSuccess(gen);
    gen.writeStartArray();
  }

  @Override
  public void deadline(long nanoTime) {
    pipe.deadline(nanoTime);
  }

  @Override
  public long startBy(long otherwise) {
    return call.startBy(otherwise);
  }

  @Override
  public void statementStart(String[] columns) throws IOException {
    rowsReturned = 0;
    gen.writeStartObject();
    if (raw) {
      gen.writeObjectFieldStart("results");
      gen.writeArrayFieldStart("columns");
      for (String c : columns) {
        gen.writeString(c);
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart("rows");
    } else {
      planObjectKeys(columns);
      gen.writeArrayFieldStart("results");
    }
  }

  /**
   * A row object cannot hold two keys of one name: like D1 (a JavaScript object), a repeated column
   * name keeps its first position and its last value.
   */
  private void planObjectKeys(String[] columns) {
    Map<String, Integer> last = new HashMap<>();
    for (int i = 0; i < columns.length; i++) {
      last.put(columns[i], i);
    }
    names = new String[last.size()];
    sources = new int[last.size()];
    int n = 0;
    for (int i = 0; i < columns.length; i++) {
      Integer src = last.remove(columns[i]);
      if (src != null) {
        names[n] = columns[i];
        sources[n++] = src;
      }
    }
  }

  @Override
  public void row(ResultRow row) throws IOException {
    rowsReturned++;
    if (raw) {
      gen.writeStartArray();
      for (int i = 0, n = row.size(); i < n; i++) {
        writeValue(row, i);
      }
      gen.writeEndArray();
    } else {
      gen.writeStartObject();
      for (int i = 0; i < names.length; i++) {
        gen.writeFieldName(names[i]);
        writeValue(row, sources[i]);
      }
      gen.writeEndObject();
    }
  }

  /** Values given as Java values (a fake service's): written as the same row would be. */
  @Override
  public void row(Object[] values) throws IOException {
    row(ResultRow.of(values));
  }

  private void writeValue(ResultRow row, int i) throws IOException {
    switch (row.type(i)) {
      case NULL -> gen.writeNull();
      case INTEGER -> gen.writeNumber(row.integer(i));
      case REAL -> {
        double d = row.real(i);
        if (Double.isFinite(d)) {
          gen.writeNumber(JsNumbers.toJs(d));
        } else {
          gen.writeNull();
        }
      }
      case TEXT -> JsonText.write(gen, row.text(i));
      case BLOB -> {
        byte[] b = row.blob(i);
        gen.writeStartArray();
        for (byte x : b) {
          gen.writeNumber(x & 0xff);
        }
        gen.writeEndArray();
      }
    }
  }

  @Override
  public void statementEnd(StatementMeta m) throws IOException {
    figures.add(
        new StatementFigures(
            m.durationMs(), m.rowsRead(), m.rowsWritten(), rowsReturned, m.sizeAfter()));
    gen.writeEndArray();
    if (raw) {
      gen.writeEndObject();
    }
    String asOfText = asOf == null ? null : asOf.toString();
    if (metaBytes.build(servedBy, m, asOfText)) {
      gen.writeRaw(metaBytes);
    } else {
      MetaFields.write(gen, servedBy, m, asOfText);
    }
    gen.writeEndObject();
    if (target == heldOut) {
      // Into the held buffer (and its file) now, before the commit: a full disk fails the
      // request while it can still be rolled back, never after.
      gen.flush();
    }
  }

  /** A write's bookmark is fixed at its commit: the answer never asks for it later. */
  @Override
  public void durable(Bookmark at) {
    durableAt = at;
  }

  @Override
  public boolean reset() {
    if (streaming.committed) {
      return false;
    }
    figures.clear();
    streaming.bytes = 0;
    streaming.buffer = null;
    try {
      held.clear();
    } catch (IOException e) {
      return false;
    }
    return true;
  }

  /** Each statement's figures, in the order they ran. */
  List<StatementFigures> figures() {
    return figures;
  }

  /** The response's size so far, in bytes. */
  long bytes() {
    return target == held ? held.size() + tail.size() : streaming.bytes;
  }

  /** True once bytes went to the client: an error can then only cut the response off. */
  boolean committed() {
    return streaming.committed;
  }

  /**
   * Writes the envelope's tail and sends what is left. For a write this runs after its commit, so
   * it writes nothing to disk: the tail goes to memory, and the held bytes are only read back.
   */
  void finish() throws IOException {
    if (target == heldOut) {
      gen.flush();
      out.to = tail;
    }
    gen.writeEndArray();
    Envelope.endSuccess(gen);
    if (target == streaming && !streaming.committed && streaming.buffer == null) {
      // The whole answer (a point read's few hundred bytes) is still in the generator's buffer, so
      // its length is known: it goes from there to the client's stream, without the first buffer
      // (1 KB a request, a tenth of a point read's allocation) and its copy.
      streaming.bytes += gen.getOutputBuffered();
      startResponse(gen.getOutputBuffered());
      out.to = call.output();
      // Not flushed by the close: the client's stream sends it with its end, in one write.
      gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
      gen.close();
      call.endAnswer();
      return;
    }
    // Every object and array is closed, so closing writes nothing more: it flushes, and gives the
    // generator's buffers (about 12 KB) back to Jackson's per-thread pool for the thread's next
    // request, which an unclosed generator never does.
    gen.close();
    if (target == heldOut) {
      startResponse(held.size() + tail.size());
      held.copyTo(call.output());
      tail.writeTo(call.output());
    } else if (!streaming.committed) {
      startResponse(streaming.buffered());
      if (streaming.buffer != null) {
        streaming.buffer.writeTo(call.output());
      }
    } else {
      pipe.end();
      awaitSender();
      if (sendFailure != null) {
        throw new IOException("sending the results failed", sendFailure);
      }
    }
    call.endAnswer();
  }

  /**
   * Stops a streamed response that failed after it committed: the sender stops at its next chunk.
   * The caller then aborts the connection (which ends a send blocked on a client that stopped
   * reading) and calls {@link #awaitSender}.
   */
  void stopStreaming(Throwable why) {
    pipe.abort(why);
  }

  /** Waits for the sender to be done with the response, if it started. */
  void awaitSender() {
    if (sender == null) {
      return;
    }
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the sender: it copies the pipe to the client until the pipe ends or fails. */
  private void startSender() {
    sender =
        Thread.ofVirtual()
            .name("opend1-send")
            .start(
                () -> {
                  try {
                    OutputStream client = call.output();
                    pipe.drainTo(client);
                    client.flush();
                  } catch (IOException | RuntimeException e) {
                    sendFailure = e;
                    pipe.abort(e);
                  }
                });
  }

  private void startResponse(long length) {
    call.startAnswer((durableAt != null ? durableAt : reflects.get()).toString(), length);
  }

  /** An output stream whose destination can change between writes. */
  private static final class Redirect extends OutputStream {
    OutputStream to;

    @Override
    public void write(int b) throws IOException {
      to.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      to.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      to.flush();
    }
  }

  /**
   * The first buffer of a streaming response, then the pipe to the sender. The buffer is made at
   * the generator's first flush (an answer that fits the generator's own buffer never needs it, see
   * {@link #finish}) and doubles as it fills, up to {@link #FIRST_BUFFER_BYTES}.
   */
  private final class StreamingOutput extends OutputStream {
    /** What the generator flushed before the response committed; null until it first flushes. */
    ByteArrayOutputStream buffer;

    /** Whether the first buffer was ever made, for the tests. */
    boolean madeBuffer;

    volatile boolean committed;

    /** Bytes written, to the buffer and past it. */
    long bytes;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      bytes += len;
      if (!committed && buffered() + len <= FIRST_BUFFER_BYTES) {
        if (buffer == null) {
          buffer = new ByteArrayOutputStream(Math.max(len, 1024));
          madeBuffer = true;
        }
        buffer.write(b, off, len);
        return;
      }
      if (!committed) {
        committed = true;
        startResponse(-1);
        if (buffer != null) {
          buffer.writeTo(pipe.output());
          buffer = null;
        }
        startSender();
      }
      pipe.output().write(b, off, len);
    }

    /** The bytes waiting in the first buffer. */
    int buffered() {
      return buffer == null ? 0 : buffer.size();
    }
  }

  /** Whether the answer went through the first buffer (a point read's does not). */
  boolean usedFirstBuffer() {
    return streaming.madeBuffer;
  }
}
