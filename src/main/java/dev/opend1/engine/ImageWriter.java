package dev.opend1.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a {@link StateImage} into a file: its base (unless it goes over the file in place), its
 * page writes in order, then cuts the file to the state's size and syncs it. The engine uses it for
 * database files; the history uses it for its own snapshots, so both are built by one piece of
 * code.
 */
public final class ImageWriter {

  private ImageWriter() {}

  /**
   * Makes {@code out} hold the image's state. A file that already holds it in place (no page to
   * write, the right size) is left untouched.
   */
  public static void write(StateImage image, FileChannel out) throws IOException {
    boolean changed = false;
    if (!image.inPlace()) {
      out.truncate(0);
      try (ReadableByteChannel base = image.openBase()) {
        copy(base, out);
      }
      changed = true;
    }
    try (StateImage.PageReader pages = image.openPages()) {
      for (StateImage.Page p; (p = pages.next()) != null; ) {
        ByteBuffer page = ByteBuffer.wrap(p.bytes());
        long at = (long) (p.number() - 1) * image.pageSize();
        while (page.hasRemaining()) {
          out.write(page, at + page.position());
        }
        changed = true;
      }
    }
    long size = (long) image.pageCount() * image.pageSize();
    if (changed || out.size() != size) {
      out.truncate(size);
      out.force(true);
    }
  }

  /** Makes {@code file}, created or emptied first, hold the image's state. */
  public static void writeFile(StateImage image, Path file) throws IOException {
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      write(image, out);
    }
  }

  /** Copies a whole channel to the start of a file (a file source goes kernel to kernel). */
  private static void copy(ReadableByteChannel from, FileChannel to) throws IOException {
    long pos = 0;
    for (long n; (n = to.transferFrom(from, pos, 1L << 30)) > 0; ) {
      pos += n;
    }
  }
}
