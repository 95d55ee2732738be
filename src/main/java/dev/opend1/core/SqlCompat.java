package dev.opend1.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Which SQL dialect user statements are held to ({@code --sql-compat}).
 *
 * <p>{@link #D1} (the default) allows exactly what D1 allows, so an application that runs here runs
 * on D1. {@link #SQLITE} lifts only D1's dialect restrictions, for self-hosters who never deploy to
 * D1: the function and virtual-table allow-lists (beyond the unsafe ones), TEMP objects, and
 * transaction statements and statement size in imports. It never lifts the sandbox: no ATTACH, no
 * file access, no pointer-passing functions, no PRAGMA that breaks durability or isolation, no
 * access to D1's reserved {@code _cf_} tables, no writes to virtual tables' shadow tables.
 */
public enum SqlCompat {
  D1,
  SQLITE;

  /** The setting's spelling ({@code d1}, {@code sqlite}). */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode a setting names, ignoring case. */
  public static Optional<SqlCompat> fromSetting(String value) {
    for (SqlCompat c : values()) {
      if (c.setting().equalsIgnoreCase(value.strip())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
