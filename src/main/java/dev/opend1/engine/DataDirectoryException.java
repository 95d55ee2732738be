package dev.opend1.engine;

/** The data directory cannot be used; the message tells the operator why and what to do. */
public final class DataDirectoryException extends RuntimeException {
  public DataDirectoryException(String message) {
    super(message);
  }
}
