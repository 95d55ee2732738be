package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The catalog's rows as both stores keep them (the SQLite file and PostgreSQL have the same
 * columns): the column lists a query selects, and the record each row reads as.
 */
final class CatalogRows {

  /** The columns {@link #account} reads, in its order. */
  static final String ACCOUNT_COLUMNS = "id, name, created_at_ms";

  /** The columns {@link #token} reads, in its order, then the secret's hash. */
  static final String TOKEN_COLUMNS =
      "id, account_id, name, permission, created_at_ms, legacy_email, secret_hash";

  /** The columns {@link #operatorToken} reads, in its order. */
  static final String OPERATOR_COLUMNS = "id, name, created_at_ms";

  /** The columns {@link #database} reads, in its order. */
  static final String DATABASE_COLUMNS =
      "id, account_id, name, created_at_ms, location_hint, jurisdiction, created_in_region,"
          + " read_replication";

  private CatalogRows() {}

  static Account account(ResultSet rs) throws SQLException {
    return new Account(
        new AccountId(rs.getString(1)), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }

  static ApiToken token(ResultSet rs) throws SQLException {
    return new ApiToken(
        rs.getString(1),
        new AccountId(rs.getString(2)),
        rs.getString(3),
        Permission.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
        Instant.ofEpochMilli(rs.getLong(5)),
        Optional.ofNullable(rs.getString(6)));
  }

  static OperatorToken operatorToken(ResultSet rs) throws SQLException {
    return new OperatorToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }

  static DatabaseRecord database(ResultSet rs) throws SQLException {
    return new DatabaseRecord(
        new DatabaseId(UUID.fromString(rs.getString(1))),
        new AccountId(rs.getString(2)),
        rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4)),
        Optional.ofNullable(rs.getString(5)).flatMap(Region::fromHint),
        Optional.ofNullable(rs.getString(6)),
        Region.valueOf(rs.getString(7)),
        rs.getString(8));
  }

  /** How a permission is stored. */
  static String permission(Permission p) {
    return p.name().toLowerCase(Locale.ROOT);
  }
}
