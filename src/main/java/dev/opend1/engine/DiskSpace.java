package dev.opend1.engine;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the file system under the data directory, and its floor: the engine writes
 * nothing optional (held results, rebuilt files) that would leave less than {@link #floor} free, so
 * what must be written (commits, history) is the last thing a filling disk refuses.
 *
 * <p>The floor is 5% of the file system, at most 64 MiB: a large disk keeps 64 MiB, a small one (a
 * test's tmpfs) a twentieth of itself.
 */
public final class DiskSpace {

  /** The floor on a file system of 1.25 GiB or more. */
  static final long MAX_FLOOR_BYTES = 64L * 1024 * 1024;

  private final FileStore store;
  private final long floor;

  private DiskSpace(FileStore store) throws IOException {
    this.store = store;
    this.floor = Math.min(MAX_FLOOR_BYTES, store.getTotalSpace() / 20);
  }

  /** The file system holding {@code path}, or its nearest existing ancestor. */
  public static DiskSpace of(Path path) {
    Path p = path.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    try {
      return new DiskSpace(Files.getFileStore(p == null ? Path.of("/") : p));
    } catch (IOException e) {
      throw new EngineException("file system of " + path + ": " + e.getMessage(), e);
    }
  }

  /** Bytes this process may still write; {@code Long.MAX_VALUE} when the system cannot say. */
  public long usable() {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Free space the engine leaves for what must be written. */
  public long floor() {
    return floor;
  }

  /** True when writing {@code bytes} more would leave less than the floor free. */
  public boolean wouldCrossFloor(long bytes) {
    return usable() - bytes < floor;
  }

  /**
   * True when the disk is full for practical purposes (below the floor): a write that failed with
   * "full" failed for the disk's sake, not for a limit of its own (SQLite's {@code max_page_count}
   * answers {@code SQLITE_FULL} too).
   */
  public boolean isLow() {
    return wouldCrossFloor(0);
  }
}
