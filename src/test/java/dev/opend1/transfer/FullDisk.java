package dev.opend1.transfer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** The local disk for export files, which fills up after {@code room} bytes of a file while set. */
final class FullDisk implements ExportFiles {

  /** Set: writes past {@link #room} fail as a full disk's do. */
  final AtomicBoolean full = new AtomicBoolean();

  private final long room;

  FullDisk(long room) {
    this.room = room;
  }

  @Override
  public OutputStream create(Path file) throws IOException {
    return new FilterOutputStream(Files.newOutputStream(file)) {
      long written;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        written += len;
        if (full.get() && written > room) {
          throw new IOException("No space left on device");
        }
        out.write(b, off, len);
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }
    };
  }
}
