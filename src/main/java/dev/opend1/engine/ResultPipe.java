package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries a streamed read's results from the engine's thread, which writes them as fast as SQLite
 * steps, to the client's connection, which takes them as fast as the client reads: a slow client
 * costs its own request, never an engine thread blocked on its socket.
 *
 * <p>The writer (one thread at a time) fills {@link #CHUNK_BYTES} chunks; up to {@link
 * #MEMORY_BYTES} of them wait in memory. When memory is full and the reader is keeping up (it took
 * a chunk within {@link #KEEPING_UP_NANOS}), the writer waits for it: a client that reads as fast
 * as the results come costs no disk (writing a 10 MB result to a file and reading it back was a
 * tenth of its CPU). Otherwise the rest waits in segment files of {@link #SEGMENT_BYTES} whose disk
 * is reserved from {@link SpillSpace} (bounded per request and in total). A segment is deleted as
 * soon as it has been sent. Only when neither memory nor spill space is left does the writer wait
 * for a reader that is not keeping up, and never past its {@link #deadline}: then it fails, as the
 * time limit fails a slow query. One reader ({@link #drainTo}) sends the chunks in order.
 *
 * <p>A memory chunk the reader has sent goes back to the writer to fill again, so a result of any
 * size allocates at most the chunks that fit in memory at once: a new chunk for every 64 KB was
 * half of what a 10 MB result allocated, and after an idle spell had shrunk the heap, the young
 * collections it caused were a large part of the first results' CPU.
 *
 * <p>{@link #close} discards whatever is left and deletes every file, whatever happened.
 */
public final class ResultPipe extends OutputStream implements BytePipe {

  static final int CHUNK_BYTES = 64 * 1024;
  static final int MEMORY_BYTES = 256 * 1024;
  static final long SEGMENT_BYTES = 4L * 1024 * 1024;

  /**
   * A reader that took a chunk this recently is sending, not stalled: a chunk goes to a client that
   * reads in a fraction of a millisecond, so only a client that stopped reading (or a thread that
   * got no CPU) takes longer.
   */
  static final long KEEPING_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final SpillSpace space;

  /** {@link #KEEPING_UP_NANOS}, or another bound for a test. */
  private final long keepingUpNanos;

  /** Guards every field below marked "guarded", and signals {@link #changed}. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a chunk is queued or taken, a segment is freed, or the pipe ends or aborts. */
  private final Condition changed = lock.newCondition();

  /** Guarded: chunks not yet taken by the reader, in order. */
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();

  /** Guarded: bytes of in-memory chunks in {@link #queue}. */
  private long memoryQueued;

  /** Guarded: the writer has written everything. */
  private boolean ended;

  /** Guarded: why the pipe was aborted, or null. */
  private Throwable aborted;

  /**
   * Guarded: chunks the reader has sent, for the writer to fill again (at most the chunks that fit
   * in {@link #MEMORY_BYTES}).
   */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();

  /** Guarded: segments not yet deleted. */
  private final List<Segment> segments = new ArrayList<>();

  /** Guarded: disk reserved for the segments in {@link #segments}. */
  private long reserved;

  /**
   * Guarded: when the reader last took a chunk, or the writer queued its first ({@link
   * System#nanoTime}).
   */
  private long lastTaken;

  /** Guarded: whether the writer has queued a chunk yet. */
  private boolean started;

  /** The writer's partly filled chunk, made on the first write (most requests never stream). */
  private byte[] current;

  private int used;

  /** Chunks made so far, the rest being recycled. Writer only. */
  private int chunksMade;

  /** The segment the writer appends to, or null. Writer only (its fields are guarded). */
  private Segment writing;

  /** When the writer must give up waiting for the reader ({@link System#nanoTime}). */
  private volatile long deadline = Long.MAX_VALUE;

  /** One chunk: bytes in memory, or a range of a segment file. */
  private record Chunk(byte[] bytes, int length, Segment segment, long offset) {}

  /** A spill file: written by the writer, read and then deleted by the reader. */
  private static final class Segment {
    final Path path;
    final FileChannel out;
    FileChannel in;

    /** Guarded by the pipe's lock: bytes written, bytes sent, whether the writer moved on. */
    long written;

    long sent;
    boolean sealed;

    Segment(Path path, FileChannel out) {
      this.path = path;
      this.out = out;
    }
  }

  ResultPipe(SpillSpace space) {
    this(space, KEEPING_UP_NANOS);
  }

  /** A pipe that takes a reader as keeping up for {@code keepingUpNanos} after each chunk. */
  ResultPipe(SpillSpace space, long keepingUpNanos) {
    this.space = space;
    this.keepingUpNanos = keepingUpNanos;
  }

  /** This pipe itself: it is the writer's stream. */
  @Override
  public OutputStream output() {
    return this;
  }

  /** Sets when the writer must stop waiting for a slow reader (the request's time limit). */
  @Override
  public void deadline(long nanoTime) {
    this.deadline = nanoTime;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (current == null) {
      current = newChunk();
    }
    while (len > 0) {
      int n = Math.min(len, CHUNK_BYTES - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
      if (used == CHUNK_BYTES) {
        publish();
      }
    }
  }

  private byte[] newChunk() {
    chunksMade++;
    return new byte[CHUNK_BYTES];
  }

  /** Ends the writing: the reader sends what is queued and returns. */
  @Override
  public void end() throws IOException {
    if (used > 0) {
      publish();
    }
    lock.lock();
    try {
      ended = true;
      if (writing != null) {
        seal(writing);
        writing = null;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Queues the current chunk: in memory if there is room, else in a segment, else waits. */
  private void publish() throws IOException {
    byte[] bytes = current;
    int length = used;
    Segment seg;
    lock.lock();
    try {
      if (!started) {
        started = true;
        lastTaken = System.nanoTime();
      }
      while (true) {
        failIfAborted();
        if (memoryQueued + length <= MEMORY_BYTES) {
          queue.add(new Chunk(bytes, length, null, 0));
          memoryQueued += length;
          changed.signalAll();
          byte[] recycled = free.poll();
          current = recycled != null ? recycled : newChunk();
          used = 0;
          return;
        }
        long now = System.nanoTime();
        long keepingUp = lastTaken + keepingUpNanos - now;
        if (keepingUp > 0 && deadline - now > 0) {
          changed.awaitNanos(Math.min(keepingUp, deadline - now));
          continue;
        }
        seg = segmentWithRoom(length);
        if (seg != null) {
          break;
        }
        long wait = deadline - now;
        if (wait <= 0) {
          throw new D1Exception.SqlFailed(
              "D1 DB exceeded the time limit for one request and was interrupted: the client did"
                  + " not read the results in time: SQLITE_INTERRUPT");
        }
        changed.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the client", e);
    } finally {
      lock.unlock();
    }
    // Only the writer appends to a segment, and the reader reads a range only once it is queued.
    long offset = seg.written;
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
    while (buf.hasRemaining()) {
      seg.out.write(buf, offset + buf.position());
    }
    used = 0;
    lock.lock();
    try {
      seg.written += length;
      queue.add(new Chunk(null, length, seg, offset));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The segment to append {@code length} bytes to, starting one if space allows; else null. */
  private Segment segmentWithRoom(int length) throws IOException {
    if (writing != null && writing.written + length <= SEGMENT_BYTES) {
      return writing;
    }
    if (space.tryReserve(reserved, SEGMENT_BYTES) != null) {
      return null;
    }
    reserved += SEGMENT_BYTES;
    Segment s;
    try {
      Files.createDirectories(space.dir());
      Path p = Files.createTempFile(space.dir(), "stream-", ".json");
      s = new Segment(p, FileChannel.open(p, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      reserved -= SEGMENT_BYTES;
      space.release(SEGMENT_BYTES);
      throw e;
    }
    segments.add(s);
    if (writing != null) {
      seal(writing);
    }
    writing = s;
    return s;
  }

  /** The writer moved past a segment: it can go once it is sent. Holds the lock. */
  private void seal(Segment s) {
    s.sealed = true;
    closeQuietly(s.out);
    deleteIfDone(s);
  }

  /** Deletes a sealed segment whose every byte was sent. Holds the lock. */
  private void deleteIfDone(Segment s) {
    if (s.sealed && s.sent == s.written && segments.remove(s)) {
      delete(s);
      changed.signalAll();
    }
  }

  private void delete(Segment s) {
    closeQuietly(s.out);
    if (s.in != null) {
      closeQuietly(s.in);
    }
    try {
      Files.deleteIfExists(s.path);
    } catch (IOException e) {
      // DATA_DIR/tmp is emptied at the next start.
    } finally {
      reserved -= SEGMENT_BYTES;
      space.release(SEGMENT_BYTES);
    }
  }

  private void failIfAborted() throws IOException {
    if (aborted != null) {
      throw new IOException("the response was abandoned: " + aborted.getMessage(), aborted);
    }
  }

  /**
   * Sends every chunk to {@code out} as it comes, until the writer ends (returns) or the pipe is
   * aborted (throws). A failure of {@code out} aborts the pipe, so the writer stops too.
   */
  @Override
  public void drainTo(OutputStream out) throws IOException {
    ByteBuffer buf = null; // for chunks read back from a segment, made on the first
    byte[] sent = null; // the memory chunk just sent, given back at the next turn of the lock
    try {
      while (true) {
        Chunk c;
        lock.lock();
        try {
          // At most MEMORY_BYTES / CHUNK_BYTES + 2 chunks exist (those queued in memory, the one
          // being sent, the writer's), so the free list holds at most all but the writer's: a
          // smaller bound dropped a chunk whenever the reader emptied the queue while the writer
          // was held up, and the writer then made a new one.
          if (sent != null && free.size() <= MEMORY_BYTES / CHUNK_BYTES) {
            free.add(sent);
          }
          sent = null;
          while (queue.isEmpty() && !ended && aborted == null) {
            changed.await();
          }
          failIfAborted();
          c = queue.poll();
          if (c == null) {
            return;
          }
          lastTaken = System.nanoTime();
          if (c.segment() == null) {
            memoryQueued -= c.length();
            changed.signalAll();
          }
        } finally {
          lock.unlock();
        }
        if (c.segment() == null) {
          // A blocking write returns once the bytes are sent or copied: the chunk is free again.
          out.write(c.bytes(), 0, c.length());
          sent = c.bytes();
          continue;
        }
        if (buf == null) {
          buf = ByteBuffer.allocate(CHUNK_BYTES);
        }
        Segment s = c.segment();
        if (s.in == null) {
          s.in = FileChannel.open(s.path, StandardOpenOption.READ);
        }
        buf.clear().limit(c.length());
        while (buf.hasRemaining()) {
          if (s.in.read(buf, c.offset() + buf.position()) < 0) {
            throw new IOException("spill file " + s.path + " ended early");
          }
        }
        out.write(buf.array(), 0, c.length());
        lock.lock();
        try {
          s.sent += c.length();
          deleteIfDone(s);
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(e);
      throw new IOException("interrupted while sending results", e);
    } catch (IOException | RuntimeException e) {
      abort(e);
      throw e;
    }
  }

  /** Chunks this pipe has made (for tests). Writer only. */
  int chunksMade() {
    return chunksMade;
  }

  /** Stops both sides: the writer's next chunk and the reader's next wait fail. */
  @Override
  public void abort(Throwable why) {
    lock.lock();
    try {
      if (aborted == null) {
        aborted = why;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Chunks sent and waiting to be filled again (for tests). */
  int freeChunks() {
    lock.lock();
    try {
      return free.size();
    } finally {
      lock.unlock();
    }
  }

  /** Disk reserved by this pipe's segments now (for tests). */
  long reservedBytes() {
    lock.lock();
    try {
      return reserved;
    } finally {
      lock.unlock();
    }
  }

  /** Discards what was not sent and deletes every segment; call when both sides are done. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (aborted == null && !(ended && queue.isEmpty())) {
        aborted = new Closed();
      }
      queue.clear();
      free.clear();
      memoryQueued = 0;
      for (Segment s : new ArrayList<>(segments)) {
        segments.remove(s);
        delete(s);
      }
      writing = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why a pipe closed before it was read to its end: every request closes its pipe, most without
   * using it, so this one has no stack trace (filling one in cost more than the rest of close).
   */
  private static final class Closed extends IOException {
    private static final long serialVersionUID = 1L;

    Closed() {
      super("closed");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing a file only read or already written in full.
    }
  }
}
