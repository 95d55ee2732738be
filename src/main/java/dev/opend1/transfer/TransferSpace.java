package dev.opend1.transfer;

import dev.opend1.core.D1Exception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of the transfer directory against its cap ({@code --max-transfer-bytes}), as a running
 * count: listed once at start, then changed by every write, removal and replacement of a file
 * there, so checking an upload against the cap costs the same with one file or thousands. Files
 * being written are counted as they grow ({@link Charge}); an upload's declared length is reserved
 * at the check, so two uploads cannot both be let in on the same free space.
 *
 * <p>A finished export that was downloaded whole is spare ({@link #spare}): its file stays for its
 * URL's hour (a client may fetch it again, and a second export of the same state answers from it),
 * but when the cap needs room it goes first, oldest download first. Without that, exports that
 * waited their hour after their one download filled the cap and imports were refused (the soak's
 * last minutes). Exports themselves are not refused at the cap: their size is known only at their
 * end, and a backup that fails half way is worse than a directory over its cap for the hour.
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

  /** Spare files, in the order they became spare. Guarded by {@link #removal}. */
  private final LinkedHashSet<Path> spare = new LinkedHashSet<>();

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
        if (reclaim(now + bytes - cap) > 0) {
          continue;
        }
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

  /**
   * Counts {@code bytes} more written to a growing file, which is not refused (an export, an upload
   * of unknown length); spare files go while the count is past the cap.
   */
  void grow(long bytes) {
    long now = used.addAndGet(bytes);
    if (now > cap) {
      reclaim(now - cap);
    }
  }

  /** Marks a finished export's file as spare: downloaded whole, it may go when room is needed. */
  void spare(Path file) {
    synchronized (removal) {
      if (Files.exists(file)) {
        spare.add(file);
      }
    }
  }

  /**
   * Deletes spare files, oldest first, until {@code bytes} are freed or none is left; the bytes
   * freed.
   */
  private long reclaim(long bytes) {
    synchronized (removal) {
      long freed = 0;
      for (Iterator<Path> it = spare.iterator(); freed < bytes && it.hasNext(); ) {
        Path file = it.next();
        it.remove();
        try {
          long size = Files.size(file);
          if (Files.deleteIfExists(file)) {
            subtract(size);
            freed += size;
          }
        } catch (IOException e) {
          // Gone already (its hour ended), or not removable now: it stays counted until it goes.
        }
      }
      return freed;
    }
  }

  /** Deletes a file there and subtracts its size; false when it was not there. */
  boolean delete(Path file) throws IOException {
    synchronized (removal) {
      spare.remove(file);
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
