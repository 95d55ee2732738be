package dev.opend1.engine;

import dev.opend1.core.D1Exception;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk that held results ({@link SpillBuffer}, {@link ResultPipe}) may use in {@code
 * DATA_DIR/tmp}: at most {@code perRequest} bytes for one request, {@code total} for all together,
 * and never so much that less than {@link DiskSpace#floor} stays free. Space is reserved before a
 * byte is written and released when the file is deleted.
 */
public final class SpillSpace {

  private final Path dir;
  private final long perRequest;
  private final long total;
  private final DiskSpace disk;

  /** Bytes reserved by every live spill file together. */
  private final AtomicLong used = new AtomicLong();

  /** Why a reservation was refused. */
  enum Refusal {
    REQUEST_LIMIT,
    TOTAL_LIMIT,
    DISK_FLOOR
  }

  SpillSpace(Path dir, long perRequest, long total) {
    this.dir = dir;
    this.perRequest = perRequest;
    this.total = total;
    this.disk = DiskSpace.of(dir);
  }

  /** Where spill files go (created on demand, emptied at start). */
  Path dir() {
    return dir;
  }

  /**
   * Reserves {@code bytes} more for a request that holds {@code held} already; null when granted,
   * else why not (nothing is then reserved).
   */
  Refusal tryReserve(long held, long bytes) {
    if (held + bytes > perRequest) {
      return Refusal.REQUEST_LIMIT;
    }
    if (used.addAndGet(bytes) > total) {
      used.addAndGet(-bytes);
      return Refusal.TOTAL_LIMIT;
    }
    if (disk.wouldCrossFloor(bytes)) {
      used.addAndGet(-bytes);
      return Refusal.DISK_FLOOR;
    }
    return null;
  }

  /** Reserves like {@link #tryReserve}, refusing with the error a client should see. */
  void reserve(long held, long bytes) {
    Refusal r = tryReserve(held, bytes);
    if (r != null) {
      throw error(r);
    }
  }

  /** The answer to a refused reservation. */
  D1Exception error(Refusal r) {
    return switch (r) {
      case REQUEST_LIMIT -> new D1Exception.ResultTooLarge(perRequest);
      case TOTAL_LIMIT -> new D1Exception.SpillSpaceBusy(total);
      case DISK_FLOOR -> new D1Exception.DiskFull("the request's results could not be held");
    };
  }

  /** Gives back what a deleted spill file had reserved. */
  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved now, over all requests (for tests and metrics). */
  public long used() {
    return used.get();
  }
}
