package dev.opend1.transfer;

/**
 * What a finished import did, as the protocol reports it.
 *
 * @param numQueries statements run
 * @param finalBookmark the database's bookmark after it
 * @param durationMs how long the transaction took
 * @param changes rows changed
 * @param sizeAfter the database's size after it
 */
public record ImportResult(
    long numQueries, String finalBookmark, double durationMs, long changes, long sizeAfter) {}
