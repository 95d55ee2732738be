package dev.opend1.api.fakes;

import dev.opend1.api.QueryService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import dev.opend1.engine.StatementMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link QueryService} without SQL: each request's statements answer with one row, {@code {"sql":
 * <the statement>}}, as one held (write) response; results are held in memory and piped through the
 * JDK's piped streams. It remembers what ran.
 */
public final class FakeQueries implements QueryService {

  /** What every statement reports. */
  public static final StatementMeta META = new StatementMeta(0.5, 0, 0, false, 4096, 1, 0);

  /** The statements run, in order, and whether each request was read-only. */
  public record Ran(DatabaseId id, String sql, boolean readOnly) {}

  private final List<Ran> ran = new CopyOnWriteArrayList<>();

  public List<Ran> ran() {
    return ran;
  }

  @Override
  public HeldBytes holdResults() {
    return new MemoryHeld();
  }

  @Override
  public BytePipe pipeResults() {
    return new MemoryPipe();
  }

  @Override
  public void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink) {
    try {
      sink.begin(false);
      for (QueryInput input : inputs) {
        ran.add(new Ran(id, input.sql(), readOnly));
        sink.statementStart(new String[] {"sql"});
        sink.row(new Object[] {input.sql()});
        sink.statementEnd(META);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bookmark every answer reflects: the first state of any database. */
  public static final Bookmark NOW =
      Bookmark.parse("00000000-00000000-00000000-" + "0".repeat(32)).orElseThrow();

  @Override
  public Bookmark bookmark(DatabaseId id) {
    return NOW;
  }

  /** Any bookmark time travel could hand out is reached; anything else is refused. */
  @Override
  public void awaitBookmark(DatabaseId id, String bookmark) {
    if (Bookmark.parse(bookmark).isEmpty()) {
      throw new D1Exception.InvalidRequest("Invalid bookmark (fake)");
    }
  }

  /**
   * A bookmark of the form time travel hands out stands for itself; anything else (a timestamp too)
   * is refused, as a bookmark outside the history would be.
   */
  @Override
  public Bookmark asOf(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp) {
    return bookmark
        .flatMap(Bookmark::parse)
        .orElseThrow(() -> new D1Exception.InvalidRequest("Invalid bookmark (fake)"));
  }

  /** Runs as {@link #execute} does, read-only. */
  @Override
  public void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink) {
    execute(id, inputs, true, sink);
  }

  /** Held bytes in memory. */
  private static final class MemoryHeld implements HeldBytes {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public OutputStream output() {
      return bytes;
    }

    @Override
    public long size() {
      return bytes.size();
    }

    @Override
    public void copyTo(OutputStream out) throws IOException {
      bytes.writeTo(out);
    }

    @Override
    public void clear() {
      bytes.reset();
    }

    @Override
    public void close() {}
  }

  /** A pipe of the JDK's piped streams: the writer and the sender are two threads. */
  private static final class MemoryPipe implements BytePipe {
    private final PipedOutputStream out = new PipedOutputStream();
    private final PipedInputStream in;

    MemoryPipe() {
      try {
        in = new PipedInputStream(out, 64 * 1024);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public void deadline(long nanoTime) {}

    @Override
    public void end() throws IOException {
      out.close();
    }

    @Override
    public void drainTo(OutputStream client) throws IOException {
      in.transferTo(client);
    }

    @Override
    public void abort(Throwable why) {
      close();
    }

    @Override
    public void close() {
      try {
        out.close();
        in.close();
      } catch (IOException e) {
        // Nothing is left to send.
      }
    }
  }
}
