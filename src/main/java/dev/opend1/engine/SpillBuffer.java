package dev.opend1.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a response that cannot be sent yet (a write request's results wait for its commit): in
 * memory up to a bound, then in a temporary file whose disk is reserved from {@link SpillSpace}
 * before it is written, so one request can neither exhaust memory nor fill the disk. A write past
 * the reservation throws the {@link dev.opend1.core.D1Exception} the client should see. {@link
 * #close} always deletes the file, even when the disk is full.
 */
public final class SpillBuffer extends OutputStream implements HeldBytes {

  /** Disk is reserved in steps of this much, so the accounting costs nothing per row. */
  static final long RESERVE_STEP = 1024 * 1024;

  private final SpillSpace space;
  private final int memoryLimit;

  /**
   * What is held in memory; null until the first write (a read request, which streams instead,
   * never writes here) and once the bytes moved to the file.
   */
  private ChunkedBytes memory;

  private Path file;
  private OutputStream fileOut;
  private long size;

  /** Bytes written to the file (through its buffer). */
  private long fileBytes;

  /** Disk reserved for the file. */
  private long reserved;

  SpillBuffer(SpillSpace space, int memoryLimit) {
    this.space = space;
    this.memoryLimit = memoryLimit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (fileOut == null && memory == null) {
      memory = new ChunkedBytes();
    }
    if (fileOut == null && memory.size() + len > memoryLimit) {
      reserveFor(memory.size() + len);
      Files.createDirectories(space.dir());
      file = Files.createTempFile(space.dir(), "result-", ".json");
      fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
      fileBytes = memory.size();
      memory.writeTo(fileOut);
      memory = null;
    }
    if (fileOut != null) {
      reserveFor(fileBytes + len);
      fileOut.write(b, off, len);
      fileBytes += len;
    } else {
      memory.write(b, off, len);
    }
    size += len;
  }

  /** Makes sure {@code bytes} of file are reserved, reserving a step at a time. */
  private void reserveFor(long bytes) {
    while (reserved < bytes) {
      long step = Math.max(RESERVE_STEP, bytes - reserved);
      space.reserve(reserved, step);
      reserved += step;
    }
  }

  /** Pushes buffered bytes to the file, so a full disk shows now rather than later. */
  @Override
  public void flush() throws IOException {
    if (fileOut != null) {
      fileOut.flush();
    }
  }

  /** This buffer itself: it is the stream. */
  @Override
  public OutputStream output() {
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void copyTo(OutputStream out) throws IOException {
    if (fileOut == null) {
      if (memory != null) {
        memory.writeTo(out);
      }
      return;
    }
    fileOut.flush();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  @Override
  public void clear() throws IOException {
    close();
    memory = null;
    size = 0;
  }

  /**
   * Deletes the temporary file, if one was made, and gives its disk back. What it held is
   * discarded, so a failure to write its last buffered bytes (a full disk) does not matter: the
   * file is deleted all the same.
   */
  @Override
  public void close() throws IOException {
    OutputStream out = fileOut;
    Path f = file;
    fileOut = null;
    file = null;
    fileBytes = 0;
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException discarded) {
      // The bytes it could not write are being thrown away with the file.
    } finally {
      try {
        if (f != null) {
          Files.deleteIfExists(f);
        }
      } finally {
        space.release(reserved);
        reserved = 0;
      }
    }
  }
}
