package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.time.Instant;

/** An account: the owner of databases and tokens. */
public record Account(AccountId id, String name, Instant createdAt) {}
