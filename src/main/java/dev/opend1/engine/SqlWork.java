package dev.opend1.engine;

import java.sql.Connection;

/** Work on a database connection the engine lends out for a transfer (an export or an import). */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws Exception;
}
