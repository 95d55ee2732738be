package dev.opend1.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file being written into the transfer directory (an upload's or an export's partial file) and
 * what {@link TransferSpace} counts for it: its reservation, or its bytes once they pass it. It
 * ends kept under its final name ({@link #keepAs}) or discarded ({@link #discard}); either way the
 * count then holds exactly the bytes left on disk. Used by the one thread that writes the file.
 */
final class Charge {

  private final TransferSpace space;

  /** The partial file; null until {@link #create}. */
  private Path file;

  /** What the space counts for this file now. */
  private long charged;

  private boolean kept;

  /** A charge for {@code reserved} bytes the caller already reserved. */
  Charge(TransferSpace space, long reserved) {
    this.space = space;
    this.charged = reserved;
  }

  /** Creates the partial file, empty, with a name of its own in {@code dir}. */
  Path create(Path dir, String prefix, String suffix) throws IOException {
    file = Files.createTempFile(dir, prefix, suffix);
    return file;
  }

  /**
   * The file holds {@code total} bytes so far: what passes the reservation is counted, and makes
   * the space take back spare files if it passes the cap.
   */
  void written(long total) {
    if (total > charged) {
      space.grow(total - charged);
      charged = total;
    }
  }

  /** Renames the complete file to {@code target}; the count holds its size from now on. */
  void keepAs(Path target) throws IOException {
    settle();
    space.replace(file, target);
    kept = true;
  }

  /** Unless kept: deletes the partial file and releases all that was counted for it. */
  void discard() {
    if (kept) {
      return;
    }
    try {
      if (file != null) {
        settle();
        space.delete(file);
      } else {
        space.add(-charged);
      }
    } catch (NoSuchFileException gone) {
      space.add(-charged);
    } catch (IOException e) {
      // It stays on disk and counted at its last known size; the next start lists it again.
    }
    charged = 0;
    kept = true;
  }

  /** Counts the file's size on disk instead of the reservation or bytes counted so far. */
  private void settle() throws IOException {
    long size = Files.size(file);
    space.add(size - charged);
    charged = size;
  }
}
