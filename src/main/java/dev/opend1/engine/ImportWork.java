package dev.opend1.engine;

/** An import's work, given the writer's connection as {@link ImportStatements}. */
@FunctionalInterface
public interface ImportWork<T> {
  T run(ImportStatements statements) throws Exception;
}
