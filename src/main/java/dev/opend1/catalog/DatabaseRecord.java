package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import java.time.Instant;
import java.util.Optional;

/**
 * A database as the catalog knows it.
 *
 * @param id the database's UUID
 * @param account the owning account
 * @param name unique within the account, case-sensitive
 * @param createdAt creation time, millisecond precision
 * @param locationHint the {@code primary_location_hint} it was created with, if any
 * @param jurisdiction {@code eu}, {@code fedramp} or {@code us}, if given at creation
 * @param createdInRegion the hint's region, or the server's region without a hint
 * @param readReplicationMode {@code auto} or {@code disabled}
 */
public record DatabaseRecord(
    DatabaseId id,
    AccountId account,
    String name,
    Instant createdAt,
    Optional<Region> locationHint,
    Optional<String> jurisdiction,
    Region createdInRegion,
    String readReplicationMode) {

  public DatabaseRecord withReadReplicationMode(String mode) {
    return new DatabaseRecord(
        id, account, name, createdAt, locationHint, jurisdiction, createdInRegion, mode);
  }
}
