/**
 * Pure SQL text handling: tokenizing, statement splitting, classification by leading keywords, and
 * D1's PRAGMA policy. No JDBC, no state, no I/O.
 */
package dev.opend1.sql;
