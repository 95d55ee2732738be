package dev.opend1.sql;

import java.util.Optional;

/**
 * One statement of a SQL text and what its tokens say about it.
 *
 * @param text the statement as written, from its first token to its last: no terminating {@code ;},
 *     no whitespace or comments around it, quotes and inner comments byte for byte
 * @param kind what it does, by its leading keywords
 * @param pragmaName for a PRAGMA, its name in lower case, without a schema prefix
 * @param pragmaAssigns for a PRAGMA, whether it sets a value: {@code x = v} or {@code x(v)}, except
 *     on pragmas whose argument only says what to look at ({@code table_info(t)}, {@code
 *     quick_check(10)}, {@code optimize(0x10002)})
 * @param targetTable the table an INSERT, REPLACE, UPDATE or DELETE writes (also after WITH),
 *     unquoted and without its schema
 * @param touchesReservedTable whether it names anything starting with {@code _cf_} (D1 reserves
 *     those tables): any bare or quoted identifier, and a string literal where SQLite reads a name
 *     ({@code FROM '_cf_KV'})
 * @param createsTemp whether it creates a TEMP object: {@code CREATE TEMP|TEMPORARY ...} or {@code
 *     CREATE ... temp.name}
 * @param pragmaSchema for a PRAGMA with a schema prefix ({@code main.table_info}), the schema in
 *     lower case
 * @param refusedPragmaFunction the first PRAGMA table-valued function it names that is not
 *     introspection ({@code pragma_database_list}), as written
 */
public record SqlStatement(
    String text,
    StatementKind kind,
    Optional<String> pragmaName,
    boolean pragmaAssigns,
    Optional<String> targetTable,
    boolean touchesReservedTable,
    boolean createsTemp,
    Optional<String> pragmaSchema,
    Optional<String> refusedPragmaFunction) {

  /** A statement with no PRAGMA schema prefix (handy for hand-made statements in tests). */
  public SqlStatement(
      String text,
      StatementKind kind,
      Optional<String> pragmaName,
      boolean pragmaAssigns,
      Optional<String> targetTable,
      boolean touchesReservedTable,
      boolean createsTemp) {
    this(
        text,
        kind,
        pragmaName,
        pragmaAssigns,
        targetTable,
        touchesReservedTable,
        createsTemp,
        Optional.empty(),
        Optional.empty());
  }
}
