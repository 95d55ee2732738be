package dev.opend1.catalog;

/**
 * The catalog: {@link Accounts}, {@link Tokens} and {@link DatabaseRecords}, kept in one store and
 * closed together. The embedded store is {@link SqliteCatalog}; {@link PostgresCatalog} implements
 * the same three for several nodes. Callers take the narrowest of the three they need.
 */
public interface Catalog extends AutoCloseable {

  Accounts accounts();

  Tokens tokens();

  DatabaseRecords databases();

  @Override
  void close();
}
