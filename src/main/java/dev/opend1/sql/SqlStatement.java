package dev.opend1.sql;

import java.util.Optional;

/**
 * One statement of a request and what its tokens say about it.
 *
 * @param text the statement as written, without its terminating {@code ;}
 * @param kind what it does, by its leading keywords
 * @param pragmaName for a PRAGMA, its name lowercased, without a schema prefix
 * @param pragmaSchema for a PRAGMA with a schema prefix ({@code main.table_info}), the schema
 * @param pragmaAssigns for a PRAGMA, whether it sets a value ({@code = v}, or {@code (v)} on a
 *     setting)
 * @param targetTable the table an INSERT, REPLACE, UPDATE or DELETE writes, unquoted
 * @param touchesReservedTable whether any identifier starts with {@code _cf_} (D1's reserved
 *     tables)
 * @param createsTemp whether it is a {@code CREATE TEMP|TEMPORARY ...}
 */
public record SqlStatement(
    String text,
    StatementKind kind,
    Optional<String> pragmaName,
    Optional<String> pragmaSchema,
    boolean pragmaAssigns,
    Optional<String> targetTable,
    boolean touchesReservedTable,
    boolean createsTemp) {}
