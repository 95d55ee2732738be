package dev.opend1.transfer;

import java.util.List;

/**
 * What an export includes: D1's {@code dump_options}.
 *
 * @param noData schema only
 * @param noSchema data only
 * @param tables only these tables (with their indexes and triggers); empty means all
 */
public record DumpOptions(boolean noData, boolean noSchema, List<String> tables) {

  public static final DumpOptions ALL = new DumpOptions(false, false, List.of());

  /**
   * Whether the dump includes the table; names compare as SQLite's do, ASCII case-insensitively.
   */
  boolean includes(String table) {
    return tables.isEmpty() || tables.stream().anyMatch(t -> t.equalsIgnoreCase(table));
  }
}
