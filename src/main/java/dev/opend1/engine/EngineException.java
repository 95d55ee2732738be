package dev.opend1.engine;

/** A database's files could not be read or written; the message says which and why. */
public final class EngineException extends RuntimeException {
  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
