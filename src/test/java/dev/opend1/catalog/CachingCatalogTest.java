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
    account = file.accounts().create("a").id();
  }

  @AfterEach
  void close() {
    cached.close();
    cli.close();
  }

  @Test
  void aTokenRevokedElsewhereWorksUntilItsEntryIsOneSecondOldAndNotAfter() {
    IssuedToken t = cli.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    assertThat(cached.tokens().findBearer(t.secret())).isPresent();
    cli.tokens().revoke(t.token().id());
    now.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(cached.tokens().findBearer(t.secret())).as("still cached").isPresent();
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(cached.tokens().findBearer(t.secret())).as("the entry expired").isEmpty();
  }

  @Test
  void aTokenRevokedThroughTheCacheStopsAtOnceThoughItsSecretWasJustSeen() {
    IssuedToken t = cli.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    assertThat(cached.tokens().findBearer(t.secret())).isPresent();
    assertThat(cached.tokens().findBearer(t.secret())).isPresent();
    assertThat(cached.tokens().revoke(t.token().id())).isTrue();
    assertThat(cached.tokens().findBearer(t.secret())).as("revoked here").isEmpty();
  }

  @Test
  void eachSecretFindsItsOwnTokenWhateverSecretCameBefore() {
    IssuedToken a = cli.tokens().create(account, "a", Permission.EDIT, Optional.empty());
    IssuedToken b = cli.tokens().create(account, "b", Permission.READ, Optional.empty());
    // Same length as a's secret, differing in its last character only.
    String last = a.secret().substring(a.secret().length() - 1);
    String nearA =
        a.secret().substring(0, a.secret().length() - 1) + ("x".equals(last) ? "y" : "x");
    for (int round = 0; round < 3; round++) {
      assertThat(cached.tokens().findBearer(a.secret()).orElseThrow().id())
          .isEqualTo(a.token().id());
      assertThat(cached.tokens().findBearer(nearA)).isEmpty();
      assertThat(cached.tokens().findBearer(a.secret()).orElseThrow().id())
          .isEqualTo(a.token().id());
      assertThat(cached.tokens().findBearer(b.secret()).orElseThrow().id())
          .isEqualTo(b.token().id());
      assertThat(cached.tokens().findBearer(b.secret() + "z")).isEmpty();
    }
    cli.tokens().revoke(b.token().id());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(cached.tokens().findBearer(b.secret())).as("revoked elsewhere, expired").isEmpty();
    assertThat(cached.tokens().findBearer(a.secret())).isPresent();
  }

  @Test
  void unknownSecretsAreNotCachedSoATokenMadeElsewhereWorksAtOnce() {
    IssuedToken t = cli.tokens().create(account, "later", Permission.READ, Optional.empty());
    String legacy =
        cli.tokens()
            .create(account, "key", Permission.EDIT, Optional.of("me@example.com"))
            .secret();
    assertThat(cached.tokens().findLegacyKey("me@example.com", "nope")).isEmpty();
    assertThat(cached.tokens().findLegacyKey("me@example.com", legacy)).isPresent();
    assertThat(cached.tokens().findBearer(legacy)).as("a legacy key is no bearer token").isEmpty();
    assertThat(cached.tokens().findBearer(t.secret()).orElseThrow().permission())
        .isEqualTo(Permission.READ);
  }

  @Test
  void aDatabaseIsCachedUntilThisCatalogChangesOrDeletesIt() {
    DatabaseRecord db = record("one");
    assertThat(cached.databases().findByName(account, "one")).as("not yet visible").isEmpty();
    cached.databases().reserve(db, 10);
    cached.databases().activate(db.id());
    assertThat(cached.databases().findByName(account, "one")).contains(db);
    assertThat(cached.databases().find(account, db.id())).contains(db);

    assertThat(cached.databases().setReadReplication(account, db.id(), "auto")).isPresent();
    assertThat(cached.databases().find(account, db.id()).orElseThrow().readReplicationMode())
        .isEqualTo("auto");
    assertThat(cached.databases().findByName(account, "one").orElseThrow().readReplicationMode())
        .isEqualTo("auto");

    cached.databases().markDeleting(db.id());
    assertThat(cached.databases().find(account, db.id())).isEmpty();
    assertThat(cached.databases().findByName(account, "one")).isEmpty();
    cached.databases().remove(db.id());
    assertThat(cached.databases().findByName(account, "one")).isEmpty();
  }

  @Test
  void aRecordIsOnlyFoundInItsOwnAccount() {
    DatabaseRecord db = record("mine");
    cached.databases().reserve(db, 10);
    cached.databases().activate(db.id());
    assertThat(cached.databases().find(account, db.id())).isPresent();
    AccountId other = file.accounts().create("b").id();
    assertThat(cached.databases().find(other, db.id())).isEmpty();
    assertThat(cached.databases().findByName(other, "mine")).isEmpty();
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
