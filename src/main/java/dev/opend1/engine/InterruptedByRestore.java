package dev.opend1.engine;

import dev.opend1.core.DatabaseId;

/**
 * A snapshot read (an export) that a restore interrupted: the restore's pause waited its grace and
 * then stopped the read, whose snapshot no longer describes the database.
 */
public final class InterruptedByRestore extends RuntimeException {
  InterruptedByRestore(DatabaseId id, Throwable cause) {
    super("reading " + id + " was interrupted: the database is being restored", cause);
  }
}
