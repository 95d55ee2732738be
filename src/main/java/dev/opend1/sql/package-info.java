/**
 * Pure SQL text handling: tokenizing, statement splitting, classification by leading keywords, and
 * D1's PRAGMA policy. JDK only; no JDBC, no state, no I/O beyond the {@link java.io.Reader} a
 * {@link dev.opend1.sql.StatementStream} is given.
 *
 * <p>How it fits together: {@link dev.opend1.sql.Tokenizer} cuts text into tokens as SQLite's own
 * tokenizer would (quotes and comments); {@link dev.opend1.sql.StatementBoundary} says which {@code
 * ;} ends a statement (all but those in a trigger body); {@link dev.opend1.sql.StatementClassifier}
 * reads each statement's kind and details. {@link dev.opend1.sql.StatementSplitter} runs them over
 * a whole text, {@link dev.opend1.sql.StatementStream} over a text that arrives in pieces, so both
 * split alike. The stream reads a dump's bulk, INSERTs of literal rows after the first one with the
 * same text up to {@code VALUES}, with {@link dev.opend1.sql.LiteralRowsScan} instead of tokens; it
 * accepts only what the tokens would, and leaves anything else to them.
 *
 * <p>Why tokens and not regular expressions: the engine confines user SQL partly by these
 * classifications (transaction control, PRAGMAs, D1's {@code _cf_} tables), so a keyword hidden in
 * a comment, a quote or an odd whitespace character must be seen exactly as SQLite sees it. Where
 * the two could differ, this package errs towards seeing more: a vertical tab is whitespace, a
 * string literal in a table's place is a name, {@code EXPLAIN PRAGMA} is a PRAGMA.
 */
package dev.opend1.sql;
