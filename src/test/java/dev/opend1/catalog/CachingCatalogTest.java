package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's cache in front of the catalog file: a revoked token stops working within the TTL,
 * never later; a new token or database is found at once; deleted or changed records are never
 * served from the cache. A second catalog on the same file plays the CLI in another process.
 */
class CachingCatalogTest {

  @TempDir Path dir;
  SqliteCatalog file;
  SqliteCatalog cli;
  CachingCatalog cached;
  final AtomicLong now = new AtomicLong();
  AccountId account;

  @BeforeEach
  void open() {
    file = SqliteCatalog.open(dir.resolve("catalog.sqlite"));
    cli = SqliteCatalog.open(dir.resolve("catalog.sqlite"));
    cached = new CachingCatalog(file, Duration.ofSeconds(1), now::get);
    account = file.createAccount("a").id();
  }

  @AfterEach
  void close() {
    cached.close();
    cli.close();
  }

  @Test
  void aTokenRevokedElsewhereWorksUntilItsEntryIsOneSecondOldAndNotAfter() {
    IssuedToken t = cli.createToken(account, "t", Permission.EDIT, Optional.empty());
    assertThat(cached.findBearerToken(t.secret())).isPresent();
    cli.revokeToken(t.token().id());
    now.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(cached.findBearerToken(t.secret())).as("still cached").isPresent();
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(cached.findBearerToken(t.secret())).as("the entry expired").isEmpty();
  }

  @Test
  void unknownSecretsAreNotCachedSoATokenMadeElsewhereWorksAtOnce() {
    IssuedToken t = cli.createToken(account, "later", Permission.READ, Optional.empty());
    String legacy =
        cli.createToken(account, "key", Permission.EDIT, Optional.of("me@example.com")).secret();
    assertThat(cached.findLegacyKey("me@example.com", "nope")).isEmpty();
    assertThat(cached.findLegacyKey("me@example.com", legacy)).isPresent();
    assertThat(cached.findBearerToken(legacy)).as("a legacy key is no bearer token").isEmpty();
    assertThat(cached.findBearerToken(t.secret()).orElseThrow().permission())
        .isEqualTo(Permission.READ);
  }

  @Test
  void aDatabaseIsCachedUntilThisCatalogChangesOrDeletesIt() {
    DatabaseRecord db = record("one");
    assertThat(cached.databaseByName(account, "one")).as("not yet visible").isEmpty();
    cached.reserveDatabase(db, 10);
    cached.activateDatabase(db.id());
    assertThat(cached.databaseByName(account, "one")).contains(db);
    assertThat(cached.database(account, db.id())).contains(db);

    assertThat(cached.setReadReplication(account, db.id(), "auto")).isPresent();
    assertThat(cached.database(account, db.id()).orElseThrow().readReplicationMode())
        .isEqualTo("auto");
    assertThat(cached.databaseByName(account, "one").orElseThrow().readReplicationMode())
        .isEqualTo("auto");

    cached.markDeleting(db.id());
    assertThat(cached.database(account, db.id())).isEmpty();
    assertThat(cached.databaseByName(account, "one")).isEmpty();
    cached.removeDatabase(db.id());
    assertThat(cached.databaseByName(account, "one")).isEmpty();
  }

  @Test
  void aRecordIsOnlyFoundInItsOwnAccount() {
    DatabaseRecord db = record("mine");
    cached.reserveDatabase(db, 10);
    cached.activateDatabase(db.id());
    assertThat(cached.database(account, db.id())).isPresent();
    AccountId other = file.createAccount("b").id();
    assertThat(cached.database(other, db.id())).isEmpty();
    assertThat(cached.databaseByName(other, "mine")).isEmpty();
  }

  private DatabaseRecord record(String name) {
    return new DatabaseRecord(
        DatabaseId.random(),
        account,
        name,
        Instant.ofEpochMilli(1_700_000_000_000L),
        Optional.empty(),
        Optional.empty(),
        Region.WNAM,
        "disabled");
  }
}
