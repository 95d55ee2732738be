package dev.opend1.catalog;

import java.util.Optional;
import javax.sql.DataSource;

/**
 * The catalog: {@link Accounts}, {@link Tokens} and {@link DatabaseRecords}, kept in one store and
 * closed together. The embedded store is {@link SqliteCatalog}; {@link PostgresCatalog} implements
 * the same three for several nodes. Callers take the narrowest of the three they need.
 */
public interface Catalog extends AutoCloseable {

  Accounts accounts();

  Tokens tokens();

  DatabaseRecords databases();

  /**
   * The shared database the catalog is kept in, for the other parts that keep their data beside it
   * (the analytics); empty for the embedded store, whose file is the catalog's alone.
   */
  default Optional<DataSource> sharedDatabase() {
    return Optional.empty();
  }

  @Override
  void close();
}
