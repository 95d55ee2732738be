package dev.opend1.sql;

import dev.opend1.core.SqlCompat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * D1's confinement rules, written once, as data, with their source; and the few rules the sandbox
 * keeps in every dialect ({@link SqlCompat#SQLITE} lifts D1's dialect, never these).
 *
 * <p>Sources: cloudflare/workerd {@code src/workerd/util/sqlite.c++} at the 2026-08-22 release
 * (commit 6552d999; the file last changed in 9e5da191, 2026-08-14), its authorizer {@code
 * SqliteDatabase::isAuthorized}, {@code ALLOWED_SQLITE_FUNCTIONS} and the PRAGMA list, and {@code
 * build/BUILD.sqlite3} for what D1's SQLite is compiled with; {@code src/workerd/api/sql.c++} for
 * the {@code _cf_} rule; the error texts are SQLite's own ({@code auth.c}, {@code resolve.c},
 * {@code delete.c}) with workerd's {@code ": SQLITE_<CODE>"} suffix, as production D1 answers them
 * (e.g. {@code not authorized: SQLITE_AUTH} in public issue threads). PRAGMA rules are in {@link
 * PragmaPolicy}.
 *
 * <p>Where the rules are enforced: by what SQLite compiled a statement into, in the engine's {@code
 * Confinement} (functions, tables, TEMP), and from the statement's tokens here (the statements that
 * are never compiled into another one: PRAGMA, transactions, ATTACH, and the names a DDL statement
 * gives).
 */
public final class SqlRules {

  private SqlRules() {}

  /** The text of every authorizer refusal without a more specific one. */
  public static final String NOT_AUTHORIZED = "not authorized";

  /**
   * Functions D1 lets a statement call ({@code ALLOWED_SQLITE_FUNCTIONS}). Denied on D1 although
   * they exist: {@code sqlite_version}, {@code sqlite_source_id}, {@code sqlite_compileoption_*}
   * (they reveal build details), {@code json_pretty}, {@code json_error_position}, {@code unistr},
   * {@code if}, {@code ceiling}, {@code power}, {@code log10}, {@code subtype}, {@code rtreenode},
   * {@code rtreedepth}, {@code fts5_*}. SQLite's internal functions (ALTER TABLE's {@code
   * sqlite_rename_*}) cannot be called by name and are not listed by {@code pragma_function_list};
   * the engine lets them pass.
   */
  static final Set<String> D1_FUNCTIONS =
      Set.of(
          // Core (lang_corefunc). load_extension is listed; SQLite refuses it, extension loading
          // being off on every connection, with its own "not authorized".
          "abs",
          "changes",
          "char",
          "coalesce",
          "concat",
          "concat_ws",
          "format",
          "glob",
          "hex",
          "ifnull",
          "iif",
          "instr",
          "last_insert_rowid",
          "length",
          "like",
          "likelihood",
          "likely",
          "load_extension",
          "lower",
          "ltrim",
          "max",
          "min",
          "nullif",
          "octet_length",
          "printf",
          "quote",
          "random",
          "randomblob",
          "replace",
          "round",
          "rtrim",
          "sign",
          "soundex",
          "substr",
          "substring",
          "total_changes",
          "trim",
          "typeof",
          "unhex",
          "unicode",
          "unlikely",
          "upper",
          "zeroblob",
          // Date and time.
          "date",
          "time",
          "datetime",
          "julianday",
          "unixepoch",
          "strftime",
          "timediff",
          "current_date",
          "current_time",
          "current_timestamp",
          // Aggregates and window functions.
          "avg",
          "count",
          "group_concat",
          "string_agg",
          "sum",
          "total",
          "row_number",
          "rank",
          "dense_rank",
          "percent_rank",
          "cume_dist",
          "ntile",
          "lag",
          "lead",
          "first_value",
          "last_value",
          "nth_value",
          // Math.
          "acos",
          "acosh",
          "asin",
          "asinh",
          "atan",
          "atan2",
          "atanh",
          "ceil",
          "cos",
          "cosh",
          "degrees",
          "exp",
          "floor",
          "ln",
          "log",
          "log2",
          "mod",
          "pi",
          "pow",
          "radians",
          "sin",
          "sinh",
          "sqrt",
          "tan",
          "tanh",
          "trunc",
          // JSON (json_each and json_tree are table-valued, allowed as tables).
          "json",
          "jsonb",
          "json_array",
          "jsonb_array",
          "json_array_length",
          "json_extract",
          "jsonb_extract",
          "->",
          "->>",
          "json_insert",
          "jsonb_insert",
          "json_object",
          "jsonb_object",
          "json_patch",
          "jsonb_patch",
          "json_remove",
          "jsonb_remove",
          "json_replace",
          "jsonb_replace",
          "json_set",
          "jsonb_set",
          "json_type",
          "json_valid",
          "json_quote",
          "json_group_array",
          "jsonb_group_array",
          "json_group_object",
          "jsonb_group_object",
          // FTS5's auxiliary functions and MATCH; R*Tree's integrity check.
          "match",
          "highlight",
          "bm25",
          "snippet",
          "rtreecheck");

  /**
   * Functions this SQLite has that D1's does not compile at all (no FTS3, no PERCENTILE, none of
   * sqlite-jdbc's extension functions): on D1 calling one is "no such function", so it is here too.
   */
  static final Set<String> NOT_IN_D1 =
      Set.of(
          "median",
          "percentile",
          "percentile_cont",
          "percentile_disc",
          "fts3_tokenizer",
          "offsets",
          "matchinfo",
          "optimize",
          "snippet_fts3",
          "charindex",
          "difference",
          "leftstr",
          "rightstr",
          "padl",
          "padr",
          "padc",
          "proper",
          "replicate",
          "reverse",
          "square",
          "strfilter",
          "stdev",
          "variance",
          "mode",
          "lower_quartile",
          "upper_quartile",
          "cot",
          "coth",
          "atn2");

  /**
   * Functions refused in every dialect: {@code fts3_tokenizer} takes and returns native pointers (a
   * bound BLOB becomes a tokenizer's function table: a write-what-where primitive; the one-argument
   * form reveals a library address). {@code load_extension} needs no entry: extension loading is
   * off on every connection, so SQLite itself refuses it ("not authorized"), as on D1.
   */
  static final Set<String> UNSAFE_FUNCTIONS = Set.of("fts3_tokenizer");

  /** Virtual-table modules D1 lets {@code CREATE VIRTUAL TABLE} use, compared ignoring case. */
  static final Set<String> D1_MODULES = Set.of("fts5", "fts5vocab", "rtree", "rtree_i32");

  /**
   * Modules refused in every dialect: none of this build's modules is unsafe once {@code
   * fts3_tokenizer} is refused ({@code fts3}/{@code fts4} can then only use their built-in
   * tokenizers). A module SQLite does not have fails as "no such module".
   */
  static final Set<String> UNSAFE_MODULES = Set.of();

  /**
   * Table-valued names D1's SQLite does not compile ({@code dbstat}, {@code sqlite_dbpage}, {@code
   * sqlite_stmt}): "no such table" there, so here too in D1 mode. {@code sqlite_dbpage} writes raw
   * pages and is refused in every dialect (this build does not have it either).
   */
  static final Set<String> NOT_IN_D1_TABLES = Set.of("dbstat", "sqlite_dbpage", "sqlite_stmt");

  static final Set<String> UNSAFE_TABLES = Set.of("sqlite_dbpage");

  /** The length of the longest name in {@link #NOT_IN_D1_TABLES} and {@link #UNSAFE_TABLES}. */
  private static final int LONGEST_SINGLED_OUT =
      Stream.concat(NOT_IN_D1_TABLES.stream(), UNSAFE_TABLES.stream())
          .mapToInt(String::length)
          .max()
          .orElse(0);

  /**
   * Why D1 refuses {@code s} by what its tokens say, as the error's full text, or null. This is the
   * whole rule for what is never compiled into another statement (PRAGMA, transactions, ATTACH,
   * VACUUM, the names DDL gives, TEMP creation, virtual-table modules, table-valued names); what a
   * statement reaches once compiled is the engine's {@code Confinement}.
   */
  public static String refusal(SqlStatement s, SqlCompat compat) {
    String why =
        switch (s.kind()) {
          // Every request (and every import) already runs as one transaction.
          case TRANSACTION, ATTACH -> authError(NOT_AUTHORIZED);
          case VACUUM -> "cannot VACUUM from within a transaction: SQLITE_ERROR";
          case PRAGMA -> PragmaPolicy.allows(s) ? null : authError(NOT_AUTHORIZED);
          default -> null;
        };
    if (why == null && (s.namesReservedObject() || (s.createsTemp() && compat == SqlCompat.D1))) {
      why = authError(NOT_AUTHORIZED);
    }
    if (why == null && s.virtualTableModule().isPresent()) {
      why = moduleRefusal(s.virtualTableModule().get(), compat);
    }
    for (int i = 0; why == null && i < s.tableFunctions().size(); i++) {
      String name = s.tableFunctions().get(i);
      why =
          Ascii.startsWithIgnoreCase(name, "pragma_")
              ? PragmaPolicy.allowsFunction(name.substring(7)) ? null : authError(NOT_AUTHORIZED)
              : tableRefusal(name, compat);
    }
    return why;
  }

  /** The error for a statement the authorizer would refuse. */
  public static String authError(String message) {
    return message + ": SQLITE_AUTH";
  }

  /**
   * Why a call of {@code name} (lower case, as SQLite registered it) is refused in {@code compat},
   * as the error's full text, or null when it is allowed. Only for functions a user can call by
   * name: SQLite's internal ones (ALTER TABLE's {@code sqlite_rename_*}) are the engine's to let
   * pass.
   */
  public static String functionRefusal(String name, SqlCompat compat) {
    boolean allowed =
        compat == SqlCompat.D1 ? D1_FUNCTIONS.contains(name) : !UNSAFE_FUNCTIONS.contains(name);
    if (allowed) {
      return null;
    }
    return compat == SqlCompat.D1 && NOT_IN_D1.contains(name)
        ? "no such function: " + name + ": SQLITE_ERROR"
        : authError("not authorized to use function: " + name);
  }

  /** Why {@code CREATE VIRTUAL TABLE ... USING module} is refused, or null. */
  static String moduleRefusal(String module, SqlCompat compat) {
    String m = Ascii.lower(module);
    if (UNSAFE_MODULES.contains(m) || (compat == SqlCompat.D1 && !D1_MODULES.contains(m))) {
      return authError(NOT_AUTHORIZED);
    }
    return null;
  }

  /** Whether {@code name} is a table-valued name these rules refuse in some dialect. */
  static boolean isSingledOutTable(String name) {
    if (name.length() > LONGEST_SINGLED_OUT) {
      return false; // without lower-casing a long literal first
    }
    String n = Ascii.lower(name);
    return NOT_IN_D1_TABLES.contains(n) || UNSAFE_TABLES.contains(n);
  }

  /** Why naming the table-valued {@code name} is refused, or null. */
  static String tableRefusal(String name, SqlCompat compat) {
    String n = Ascii.lower(name);
    if (UNSAFE_TABLES.contains(n) || (compat == SqlCompat.D1 && NOT_IN_D1_TABLES.contains(n))) {
      return "no such table: " + n + ": SQLITE_ERROR";
    }
    return null;
  }

  /**
   * Whether {@code name} is reserved by D1: it starts with {@code _cf_}, ASCII case ignored ({@code
   * sql.c++}: {@code strncasecmp(name, "_cf_", 4)}). Tables, views, indexes, triggers and virtual
   * tables only; D1 does not reserve column names.
   */
  public static boolean isReserved(String name) {
    return Ascii.startsWithIgnoreCase(name, "_cf_");
  }

  /**
   * The error for reading a reserved table: SQLite's text for a column the authorizer denies, on
   * the table's first column ({@code access to _cf_KV.key is prohibited}).
   */
  public static String reservedReadRefusal(String table, String firstColumn) {
    return authError("access to " + table + "." + firstColumn + " is prohibited");
  }

  /** The error for changing or dropping a reserved table. */
  public static String reservedChangeRefusal() {
    return authError(NOT_AUTHORIZED);
  }

  /**
   * D1's {@code _cf_KV} table, which every D1 database has: byte for byte the schema text D1 stores
   * (workerd {@code util/sqlite-kv.c++}, as {@code sqlite_schema} shows it on D1 in public issue
   * threads), so that {@code sqlite_schema} and {@code PRAGMA table_list} read as on D1. Reading it
   * is refused ("access to _cf_KV.key is prohibited"); exports skip it; {@code num_tables} does not
   * count it.
   */
  public static final String CF_KV_DDL =
      "CREATE TABLE _cf_KV (\n        key TEXT PRIMARY KEY,\n        value BLOB\n      ) WITHOUT ROWID";

  /** TEMP objects: D1's authorizer denies creating them and everything but reading TEMP. */
  public static final String TEMP_REFUSAL = authError(NOT_AUTHORIZED);

  /**
   * Writing a virtual table's shadow table: what SQLite's defensive mode answers (D1 turns it on),
   * from {@code delete.c}.
   */
  public static String shadowTableRefusal(String table, boolean dropped) {
    return "table "
        + table
        + " may not be "
        + (dropped ? "dropped" : "modified")
        + ": SQLITE_ERROR";
  }
}
