package dev.opend1.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a response that cannot be sent yet (a write request's results wait for its commit): in
 * memory up to a bound, then in a temporary file, so memory stays bounded however large the result.
 */
public final class SpillBuffer extends OutputStream {

  private final Path tmpDir;
  private final int memoryLimit;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream(1024);
  private Path file;
  private OutputStream fileOut;
  private long size;

  SpillBuffer(Path tmpDir, int memoryLimit) {
    this.tmpDir = tmpDir;
    this.memoryLimit = memoryLimit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (fileOut == null && memory.size() + len > memoryLimit) {
      Files.createDirectories(tmpDir);
      file = Files.createTempFile(tmpDir, "result-", ".json");
      fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
      memory.writeTo(fileOut);
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(b, off, len);
    } else {
      memory.write(b, off, len);
    }
    size += len;
  }

  /** Pushes buffered bytes to the file, so a full disk shows now rather than later. */
  @Override
  public void flush() throws IOException {
    if (fileOut != null) {
      fileOut.flush();
    }
  }

  /** Bytes held. */
  public long size() {
    return size;
  }

  /** Copies everything held to {@code out}. */
  public void copyTo(OutputStream out) throws IOException {
    if (fileOut == null) {
      memory.writeTo(out);
      return;
    }
    fileOut.flush();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  /** Forgets what was written, so writing can start over. */
  public void clear() throws IOException {
    close();
    memory = new ByteArrayOutputStream(1024);
    size = 0;
  }

  /** Deletes the temporary file, if one was made. */
  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
      fileOut = null;
      Files.deleteIfExists(file);
      file = null;
    }
  }
}
