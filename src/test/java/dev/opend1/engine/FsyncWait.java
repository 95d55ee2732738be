package dev.opend1.engine;

import dev.opend1.core.DatabaseId;

/**
 * Sets how long one database's write rounds wait for the previous commit's fsync ({@link
 * WriteGroups#FSYNC_WAIT_NANOS}) and go on taking requests ({@link WriteGroups#BUDGET_NANOS}), for
 * a test that holds that fsync itself and counts the rounds: bounds longer than the test make the
 * wait end with the fsync, and a round take every request that waits, however slow the machine (a
 * loaded machine once stretched a round of six INSERTs past the 10 ms budget, so they took two
 * commits). Keeps the database open until {@link #close}.
 */
public final class FsyncWait implements AutoCloseable {

  private final HandleCache handles;
  private final DatabaseHandle handle;

  private FsyncWait(Engine engine, DatabaseId id, long nanos) {
    handles = engine.handles;
    handle = handles.acquire(id);
    handle.groups.slowRounds(nanos, nanos);
  }

  /**
   * Makes the rounds of {@code id} wait up to {@code nanos} for the previous fsync, and take
   * requests for up to {@code nanos}.
   */
  public static FsyncWait set(Engine engine, DatabaseId id, long nanos) {
    return new FsyncWait(engine, id, nanos);
  }

  /** Gives the usual bounds back and lets the database close. */
  @Override
  public void close() {
    handle.groups.slowRounds(WriteGroups.FSYNC_WAIT_NANOS, WriteGroups.BUDGET_NANOS);
    handles.release(handle);
  }
}
