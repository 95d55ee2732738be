package dev.opend1.engine;

/**
 * Whether a statement's {@code rows_written} can be counted without SQLite's update hook, read from
 * its program's listing ({@link ProgramReach}): the table whose rows the hook would report once for
 * each change {@code sqlite3_changes} counts, and for no other row, or null.
 *
 * <p>{@code rows_written} is the rows the update hook reports times one plus their table's indexes
 * ({@link RowCounter}). For such a program the hook would report {@code sqlite3_changes} rows of
 * that one table, so the engine counts them from the changes and leaves the hook off: it is a call
 * from SQLite into Java for each row (two strings built, and sqlite-jdbc copies its listener set
 * for each), about a microsecond, a tenth of a batch's INSERT.
 *
 * <p>From SQLite's {@code vdbe.c}: only {@code Insert} (when its P4 names a table) and {@code
 * Delete} call the update hook. {@code Insert} counts a change when its P5 has {@code
 * OPFLAG_NCHANGE}, and with {@code OPFLAG_ISNOOP} does neither (a WITHOUT ROWID table's insert,
 * listed for the pre-update hook alone). So the program qualifies when each {@code Insert} that
 * names a table names the same one and counts a change, and each that counts names one; and when it
 * has none of what counts changes or reports rows otherwise: {@code IdxInsert} counting a change (a
 * WITHOUT ROWID table, which the hook never reports), {@code Delete}, {@code Clear} (DELETE's
 * truncation), {@code VUpdate} (a virtual table: the hook reports its shadow tables' rows) and
 * {@code Program} (a trigger or a foreign-key action, whose rows the hook reports and the changes
 * leave out).
 */
final class ChangeCount {

  /** {@code OPFLAG_NCHANGE} in an {@code Insert}'s or {@code IdxInsert}'s P5. */
  private static final int NCHANGE = 0x01;

  /** {@code OPFLAG_ISNOOP} in an {@code Insert}'s P5. */
  private static final int ISNOOP = 0x40;

  /** The table named so far. */
  private String table;

  private boolean ruledOut;

  /** Takes one instruction of the listing, sub-programs' included. */
  void add(String op, String p4, int p5) {
    switch (op) {
      case "Insert" -> {
        if ((p5 & ISNOOP) != 0) {
          return;
        }
        boolean named = p4 != null && !p4.isEmpty();
        if (named != ((p5 & NCHANGE) != 0)) {
          ruledOut = true;
        } else if (named && table == null) {
          table = p4;
        } else if (named && !table.equals(p4)) {
          ruledOut = true;
        }
      }
      case "IdxInsert" -> ruledOut |= (p5 & NCHANGE) != 0;
      case "Delete", "Clear", "VUpdate", "Program" -> ruledOut = true;
      default -> {}
    }
  }

  /** The one table, or null when the program does not qualify (or changes no table). */
  String onlyTable() {
    return ruledOut ? null : table;
  }
}
