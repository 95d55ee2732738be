package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored credential, without its secret (only the secret's SHA-256 hash is ever stored).
 *
 * @param id 32 hex characters; printed by {@code token list} and used to revoke
 * @param account the one account the token acts for
 * @param name a label for people
 * @param permission read (D1 Read) or edit (D1 Write)
 * @param createdAt creation time
 * @param legacyEmail for a legacy API key ({@code X-Auth-Email} + {@code X-Auth-Key}), its email;
 *     empty for a bearer token
 */
public record ApiToken(
    String id,
    AccountId account,
    String name,
    Permission permission,
    Instant createdAt,
    Optional<String> legacyEmail) {}
