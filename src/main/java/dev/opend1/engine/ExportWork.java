package dev.opend1.engine;

import java.io.IOException;

/** An export's work, given a consistent snapshot of the database as a {@link DumpSource}. */
@FunctionalInterface
public interface ExportWork<T> {
  T run(DumpSource source) throws IOException;
}
