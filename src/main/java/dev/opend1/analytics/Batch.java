package dev.opend1.analytics;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import java.util.List;

/**
 * A query request (a batch of statements) that ran: what it asked and what each statement did.
 *
 * @param account the database's account
 * @param database the database
 * @param sql each {@code sql} of the request, in order; together they hold one statement for each
 *     of {@code statements}
 * @param statements each statement's figures, in the order they ran
 * @param ms the request's time, from its start to its last byte sent
 * @param responseBytes the response's size
 */
public record Batch(
    AccountId account,
    DatabaseId database,
    List<String> sql,
    List<StatementFigures> statements,
    double ms,
    long responseBytes) {}
