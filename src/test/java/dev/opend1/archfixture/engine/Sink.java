package dev.opend1.archfixture.engine;

/** A contract the edge may use: an interface of the engine. */
public interface Sink {
  void row(Object[] values);
}
