package dev.opend1.engine;

import dev.opend1.core.DatabaseId;

/**
 * Sets how long one database's write rounds wait for the previous commit's fsync ({@link
 * WriteGroups#FSYNC_WAIT_NANOS}), for a test that holds that fsync itself: a bound longer than the
 * test makes the wait end with the fsync, however slow the machine. Keeps the database open until
 * {@link #close}.
 */
public final class FsyncWait implements AutoCloseable {

  private final HandleCache handles;
  private final DatabaseHandle handle;

  private FsyncWait(Engine engine, DatabaseId id, long nanos) {
    handles = engine.handles;
    handle = handles.acquire(id);
    handle.groups.fsyncWait(nanos);
  }

  /** Makes the rounds of {@code id} wait up to {@code nanos} for the previous fsync. */
  public static FsyncWait set(Engine engine, DatabaseId id, long nanos) {
    return new FsyncWait(engine, id, nanos);
  }

  /** Gives the usual bound back and lets the database close. */
  @Override
  public void close() {
    handle.groups.fsyncWait(WriteGroups.FSYNC_WAIT_NANOS);
    handles.release(handle);
  }
}
