package dev.opend1.config;

import java.util.Optional;

/**
 * Where the catalog is kept when it is in PostgreSQL ({@code --catalog postgresql://...}).
 *
 * @param host the server's host name or address
 * @param port its port
 * @param database the database holding opend1's tables
 * @param user who opend1 connects as
 * @param password from {@code PGPASSWORD} or {@code --catalog-password-file}; never printed
 */
public record PostgresLocation(
    String host, int port, String database, String user, Optional<String> password) {

  /** The driver's URL (no credentials in it). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL as given, without the password. */
  public String url() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return url() + (password.isPresent() ? " (with a password)" : "");
  }
}
