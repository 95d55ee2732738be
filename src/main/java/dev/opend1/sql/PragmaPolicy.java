package dev.opend1.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * D1's PRAGMA rules, exactly: which PRAGMAs a statement may run, with which values. Source:
 * cloudflare/workerd {@code src/workerd/util/sqlite.c++} (release 2026-08-22), the authorizer's
 * {@code SQLITE_PRAGMA} case and its pragma list. Everything not listed here, and every schema but
 * {@code main}, is refused with D1's {@code not authorized: SQLITE_AUTH}, so a user's SQL cannot
 * change how the engine runs the database ({@code journal_mode}, {@code synchronous}, {@code
 * writable_schema}...) nor read what D1 hides ({@code user_version}, {@code compile_options}...).
 * The rules are the same in both {@code --sql-compat} modes.
 */
public final class PragmaPolicy {

  /** Read-only, and only without a value: any argument or assignment is refused. */
  private static final Set<String> READ_ONLY = Set.of("data_version", "page_size");

  /** Need an argument naming a table or index, which must not be a reserved ({@code _cf_}) one. */
  private static final Set<String> NAME_REQUIRED =
      Set.of(
          "table_info",
          "table_xinfo",
          "foreign_key_list",
          "index_info",
          "index_list",
          "index_xinfo");

  /**
   * The boolean settings a request may read or set, in a fixed order, with the value each is reset
   * to after it (D1: "PRAGMA settings apply only to the current transaction"). The defaults are
   * D1's: foreign keys on ({@code SQLITE_DEFAULT_FOREIGN_KEYS=1}), every other one off.
   */
  private static final Map<String, String> SETTINGS = settings();

  private static Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("foreign_keys", "ON");
    m.put("defer_foreign_keys", "OFF");
    m.put("case_sensitive_like", "OFF");
    m.put("ignore_check_constraints", "OFF");
    m.put("legacy_alter_table", "OFF");
    m.put("recursive_triggers", "OFF");
    m.put("reverse_unordered_selects", "OFF");
    return Collections.unmodifiableMap(m);
  }

  /**
   * What D1 accepts as a boolean: a case-insensitive prefix match of one of these (workerd compares
   * the keyword's length with {@code strncasecmp}, so {@code onion} and {@code 10} pass too).
   */
  private static final List<String> BOOLEANS =
      List.of("true", "false", "yes", "no", "on", "off", "1", "0");

  /** PRAGMA table-valued functions that may be used: introspection that only reads. */
  private static final Set<String> TABLE_FUNCTIONS =
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
          "data_version",
          "page_size");

  private PragmaPolicy() {}

  /** Whether D1 lets a statement run this PRAGMA. */
  public static boolean allows(SqlStatement pragma) {
    String name = pragma.pragmaName().orElse("");
    if (!pragma.pragmaSchema().orElse("main").equals("main")) {
      return false;
    }
    String value = pragma.pragmaValue().map(PragmaPolicy::unquote).orElse(null);
    boolean named = value != null && !SqlRules.isReserved(value);
    if (name.equals("table_list")) {
      return true;
    }
    if (NAME_REQUIRED.contains(name)) {
      return named;
    }
    if (READ_ONLY.contains(name)) {
      return value == null;
    }
    if (SETTINGS.containsKey(name)) {
      return value == null || isBoolean(value);
    }
    return switch (name) {
      case "foreign_key_check" -> value == null || named;
      case "quick_check" -> value == null || value.matches("[0-9]+") || named;
      case "optimize" -> value == null || isInt32(value);
      default -> false;
    };
  }

  /** Whether the PRAGMA table-valued function {@code pragma_<name>} may be used. */
  static boolean allowsFunction(String name) {
    return TABLE_FUNCTIONS.contains(name);
  }

  /** One pair of matching quotes stripped, as workerd does before it compares a value. */
  private static String unquote(String v) {
    if (v.length() >= 2
        && (v.charAt(0) == '\'' || v.charAt(0) == '"')
        && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static boolean isBoolean(String v) {
    for (String b : BOOLEANS) {
      if (v.regionMatches(true, 0, b, 0, b.length())) {
        return true;
      }
    }
    return false;
  }

  /** A 32-bit integer, decimal or hexadecimal ({@code optimize(0x10002)}), optionally signed. */
  private static boolean isInt32(String v) {
    try {
      String s = v.startsWith("+") ? v.substring(1) : v;
      boolean negative = s.startsWith("-");
      String digits = negative ? s.substring(1) : s;
      long n =
          digits.regionMatches(true, 0, "0x", 0, 2)
              ? Long.parseLong(digits.substring(2), 16)
              : Long.parseLong(digits);
      n = negative ? -n : n;
      return n >= Integer.MIN_VALUE && n <= 0xFFFFFFFFL;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The settings a request may change, in a fixed order, with the value each is reset to after the
   * request.
   */
  public static Map<String, String> resettableDefaults() {
    return SETTINGS;
  }

  /**
   * Whether a value given to this pragma ({@code table_info(t)}, {@code quick_check = 10}, {@code
   * optimize(0x10002)}) only says what to look at or do, and sets nothing.
   */
  static boolean argumentOnlySelects(String name) {
    return name.equals("table_list")
        || NAME_REQUIRED.contains(name)
        || name.equals("foreign_key_check")
        || name.equals("quick_check")
        || name.equals("optimize");
  }
}
