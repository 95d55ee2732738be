package dev.opend1.engine;

/**
 * What a statement's listing told the engine besides whether it is allowed ({@link Confinement}),
 * kept with that verdict per text and schema version: how it reads, for {@code rows_read}, and how
 * its {@code rows_written} can be counted.
 *
 * @param reads how it reads ({@link ReadShape})
 * @param changesOnlyIn the table whose rows the update hook would report once per change SQLite
 *     counts, and no other; null when the hook must count them ({@link ChangeCount})
 */
record StatementShape(ReadShape reads, String changesOnlyIn) {

  /** A statement with no listing: PRAGMA, ANALYZE and transaction control. */
  static final StatementShape UNLISTED = new StatementShape(ReadShape.UNLISTED, null);
}
