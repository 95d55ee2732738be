package dev.opend1.catalog;

import java.util.List;

/** One page of a database listing, with the number of databases that match in all. */
public record DatabasePage(List<DatabaseRecord> items, int totalCount) {}
