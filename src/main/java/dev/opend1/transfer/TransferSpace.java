package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of the transfer directory against its cap ({@code --max-transfer-bytes}), as a running
 * count: listed once at start, then changed by every write, removal and replacement of a file
 * there, so checking an upload against the cap costs the same with one file or thousands. Files
 * being written are counted as they grow ({@link Charge}); an upload's declared length is reserved
 * at the check, so two uploads cannot both be let in on the same free space.
 */
final class TransferSpace {

  private final long cap;

  /** Bytes of the files there, plus what uploads being received reserved beyond their bytes. */
  private final AtomicLong used;

  /**
   * Guards reading a file's size together with removing or replacing it, so the bytes subtracted
   * are those that went (an ingest, the reaper and a repeated upload may meet on one file).
   */
  private final Object removal = new Object();

  TransferSpace(long cap, long usedAtStart) {
    this.cap = cap;
    this.used = new AtomicLong(usedAtStart);
  }

  /** The space of a directory as it is now: its one listing. */
  static TransferSpace counted(TransferDirectory dir, long cap) throws IOException {
    return new TransferSpace(cap, dir.usedBytes());
  }

  /** Bytes counted now. */
  long used() {
    return used.get();
  }

  /**
   * Counts {@code bytes} more for the caller, or refuses (the words opend1 always gave) if they
   * would pass the cap.
   */
  void reserve(long bytes) {
    for (long now = used.get(); ; now = used.get()) {
      if (now + bytes > cap) {
        throw new D1Exception.InvalidRequest(
            "Transfer storage is full ("
                + cap
                + " bytes); try again once earlier transfers expire");
      }
      if (used.compareAndSet(now, now + bytes)) {
        return;
      }
    }
  }

  /** Counts {@code bytes} more (fewer when negative): written, or a reservation released. */
  void add(long bytes) {
    used.addAndGet(bytes);
  }

  /** Deletes a file there and subtracts its size; false when it was not there. */
  boolean delete(Path file) throws IOException {
    synchronized (removal) {
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException gone) {
        return false;
      }
      if (!Files.deleteIfExists(file)) {
        return false;
      }
      subtract(size);
      return true;
    }
  }

  /** Renames a counted file to {@code target}, subtracting the file it replaces, if any. */
  void replace(Path file, Path target) throws IOException {
    synchronized (removal) {
      long replaced;
      try {
        replaced = Files.size(target);
      } catch (NoSuchFileException none) {
        replaced = 0;
      }
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      subtract(replaced);
    }
  }

  /**
   * Subtracts a removed file's size, never below zero: only a file put there behind the server's
   * back (after the start's listing) could take more than was counted.
   */
  private void subtract(long bytes) {
    used.accumulateAndGet(bytes, (now, gone) -> Math.max(0, now - gone));
  }
}
