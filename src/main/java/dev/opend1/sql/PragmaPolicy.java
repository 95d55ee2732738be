package dev.opend1.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * D1's PRAGMA allow-list (d1-api.md section 10): introspection, a few per-request settings, and
 * {@code optimize}. Everything else ({@code journal_mode}, {@code synchronous}, {@code
 * wal_checkpoint}, {@code writable_schema}, {@code mmap_size}, unknown names...) is refused, so a
 * user's SQL cannot change how the engine runs the database, and neither can a schema other than
 * {@code main} ({@code temp.foreign_keys}) be named.
 */
public final class PragmaPolicy {

  /**
   * Read-only introspection, each taking an optional argument that says what to look at. {@code
   * integrity_check} is not in D1's list but is allowed beside {@code quick_check}: it only reads
   * (more slowly; the query time limit bounds it).
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

  /**
   * Read, never set: D1 does not list {@code user_version}, but reading it is harmless and some
   * migration tools do. Setting it is refused: it is database state D1 gives users no way to set.
   */
  private static final Set<String> READ_ONLY = Set.of("user_version");

  /**
   * The settings a request may read or set, in a fixed order, with the value each is reset to after
   * it (D1: "PRAGMA settings apply only to the current transaction").
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

  /** What the refusals tell the user D1 does allow. */
  private static final String ALLOWED =
      "D1 allows introspection (table_list, table_info, index_list, foreign_key_check,"
          + " quick_check...), the settings "
          + String.join(", ", SETTINGS.keySet())
          + ", and optimize";

  private PragmaPolicy() {}

  /** Null when the PRAGMA is allowed, else a message that names it and says why not. */
  public static String refusal(SqlStatement pragma) {
    String name = pragma.pragmaName().orElse("");
    String schema = pragma.pragmaSchema().orElse("main");
    if (name.isEmpty()) {
      return "a PRAGMA without a name is not allowed: " + ALLOWED;
    }
    if (!schema.equals("main")) {
      return "PRAGMA " + schema + "." + name + " is not allowed: only the main schema may be named";
    }
    if (INTROSPECTION.contains(name) || SETTINGS.containsKey(name) || name.equals("optimize")) {
      return null;
    }
    if (READ_ONLY.contains(name)) {
      return pragma.pragmaAssigns() ? "PRAGMA " + name + " may be read but not set" : null;
    }
    return "PRAGMA " + name + " is not allowed: " + ALLOWED;
  }

  /**
   * The first PRAGMA table-valued function ({@code pragma_database_list}, {@code
   * pragma_journal_mode('off')}) in a statement's tokens that is not read-only introspection, or
   * null. Such a function runs its PRAGMA, with its argument as the value to set, and so would
   * bypass {@link #refusal}; {@code pragma_database_list} would also reveal the host's file path.
   * Only the introspection ones ({@code pragma_table_info('t')}) are allowed.
   */
  static String refusedFunction(String sql, java.util.List<Token> tokens) {
    return ReservedTables.firstName(
        sql,
        tokens,
        name ->
            Ascii.startsWithIgnoreCase(name, FUNCTION_PREFIX)
                && !INTROSPECTION.contains(Ascii.lower(name.substring(FUNCTION_PREFIX.length()))));
  }

  /** What a refused PRAGMA function is told. */
  public static String functionRefusal(String function) {
    return "PRAGMA function "
        + Ascii.lower(function)
        + " is not allowed: only the introspection ones (pragma_table_list, pragma_table_info,"
        + " pragma_index_list, pragma_foreign_key_list...) may be used";
  }

  private static final String FUNCTION_PREFIX = "pragma_";

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
    return INTROSPECTION.contains(name) || name.equals("optimize");
  }
}
