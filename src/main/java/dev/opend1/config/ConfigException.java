package dev.opend1.config;

/**
 * A setting has a value that cannot be used; the message names the setting and where it came from.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
