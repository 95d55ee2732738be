package dev.opend1.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * D1's PRAGMA allow-list: introspection, a few per-request settings, and {@code optimize}.
 * Everything else (journal_mode, synchronous, wal_checkpoint, writable_schema, mmap_size, ...) is
 * refused, so a user's SQL cannot change how the engine runs the database.
 */
public final class PragmaPolicy {

  /**
   * Read-only introspection. {@code integrity_check} is allowed beside D1's {@code quick_check}.
   */
  private static final Set<String> INTROSPECTION =
      Set.of(
          "table_list",
          "table_info",
          "table_xinfo",
          "index_list",
          "index_info",
          "index_xinfo",
          "foreign_key_list",
          "foreign_key_check",
          "quick_check",
          "integrity_check");

  /** The settings a request may read or set, with the value each is reset to after it. */
  private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("foreign_keys", "ON");
    SETTINGS.put("defer_foreign_keys", "OFF");
    SETTINGS.put("case_sensitive_like", "OFF");
    SETTINGS.put("ignore_check_constraints", "OFF");
    SETTINGS.put("legacy_alter_table", "OFF");
    SETTINGS.put("recursive_triggers", "OFF");
    SETTINGS.put("reverse_unordered_selects", "OFF");
  }

  private PragmaPolicy() {}

  /** Null when the PRAGMA is allowed, else what to tell the user. */
  public static String refusal(SqlStatement pragma) {
    String name = pragma.pragmaName().orElse("");
    if (pragma.pragmaSchema().isPresent() && !pragma.pragmaSchema().get().equals("main")) {
      return "PRAGMA " + pragma.pragmaSchema().get() + "." + name + " is not allowed (only main)";
    }
    if (INTROSPECTION.contains(name) || SETTINGS.containsKey(name) || name.equals("optimize")) {
      return null;
    }
    return "PRAGMA " + (name.isEmpty() ? "" : name + " ") + "is not allowed in D1";
  }

  /** Whether {@code name} is one of the settings a request may set. */
  static boolean isSetting(String name) {
    return SETTINGS.containsKey(name);
  }

  /** The settings and the value each is reset to after a request that set any. */
  public static Map<String, String> resettableDefaults() {
    return java.util.Collections.unmodifiableMap(SETTINGS);
  }
}
