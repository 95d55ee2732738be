package dev.opend1.archfixture.api;

import dev.opend1.archfixture.engine.Figures;
import dev.opend1.archfixture.engine.Sink;

/** Keeps the edge rule: it uses only an interface and a record of the engine. */
public final class RendersThroughContracts implements Sink {

  private long rows;

  @Override
  public void row(Object[] values) {
    rows++;
  }

  public String render(Figures figures) {
    return figures.fileSize() + " bytes, " + figures.numTables() + " tables, " + rows + " rows";
  }
}
