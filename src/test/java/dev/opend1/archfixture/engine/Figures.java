package dev.opend1.archfixture.engine;

/** Data the edge may use: a record of the engine. */
public record Figures(long fileSize, int numTables) {}
