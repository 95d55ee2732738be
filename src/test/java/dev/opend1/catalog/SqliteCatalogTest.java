package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCatalogTest {

  @TempDir Path dir;
  SqliteCatalog catalog;
  AccountId account;

  @BeforeEach
  void open() {
    catalog = SqliteCatalog.open(dir.resolve("catalog.sqlite"));
    account = catalog.accounts().create("a").id();
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private DatabaseRecord record(AccountId owner, String name, long createdMillis) {
    return new DatabaseRecord(
        DatabaseId.random(),
        owner,
        name,
        Instant.ofEpochMilli(createdMillis),
        Optional.empty(),
        Optional.empty(),
        Region.WNAM,
        "disabled");
  }

  private DatabaseRecord create(String name, long createdMillis) {
    DatabaseRecord r = record(account, name, createdMillis);
    catalog.databases().reserve(r, 100);
    catalog.databases().activate(r.id());
    return r;
  }

  @Test
  void tokenSecretsAreStoredOnlyAsTheirHash() throws Exception {
    IssuedToken t = catalog.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    catalog.close();
    byte[] file = Files.readAllBytes(dir.resolve("catalog.sqlite"));
    byte[] wal =
        Files.exists(dir.resolve("catalog.sqlite-wal"))
            ? Files.readAllBytes(dir.resolve("catalog.sqlite-wal"))
            : new byte[0];
    String all =
        new String(file, StandardCharsets.ISO_8859_1)
            + new String(wal, StandardCharsets.ISO_8859_1);
    assertThat(all).doesNotContain(t.secret());
    String hashHex = HexFormat.of().formatHex(Secrets.hash(t.secret()));
    assertThat(HexFormat.of().formatHex(file) + HexFormat.of().formatHex(wal)).contains(hashHex);
    catalog = SqliteCatalog.open(dir.resolve("catalog.sqlite"));
    assertThat(catalog.tokens().findBearer(t.secret())).map(ApiToken::id).contains(t.token().id());
    assertThat(t.secret()).hasSize(40);
  }

  @Test
  void tokensAreFoundByTheirSecretUntilRevoked() {
    IssuedToken t = catalog.tokens().create(account, "t", Permission.READ, Optional.empty());
    assertThat(catalog.tokens().findBearer(t.secret()))
        .get()
        .extracting(ApiToken::permission)
        .isEqualTo(Permission.READ);
    assertThat(catalog.tokens().findBearer(t.secret() + "x")).isEmpty();
    assertThat(catalog.tokens().revoke(t.token().id())).isTrue();
    assertThat(catalog.tokens().findBearer(t.secret())).isEmpty();
    assertThat(catalog.tokens().revoke(t.token().id())).isFalse();
  }

  @Test
  void ensuringIsIdempotent() {
    AccountId id = new AccountId("ab".repeat(16));
    catalog.accounts().ensure(id, "x");
    catalog.accounts().ensure(id, "x");
    ApiToken first = catalog.tokens().ensure(id, "given-token", "env", Permission.EDIT);
    ApiToken second = catalog.tokens().ensure(id, "given-token", "env", Permission.EDIT);
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(catalog.tokens().list()).filteredOn(t -> t.account().equals(id)).hasSize(1);
    assertThat(catalog.accounts().list()).extracting(Account::id).contains(id, account);
  }

  @Test
  void legacyKeysAndBearerTokensDoNotStandInForEachOther() {
    IssuedToken key =
        catalog.tokens().create(account, "k", Permission.EDIT, Optional.of("Me@Example.com"));
    IssuedToken bearer = catalog.tokens().create(account, "b", Permission.EDIT, Optional.empty());
    assertThat(catalog.tokens().findLegacyKey("me@example.COM", key.secret())).isPresent();
    assertThat(catalog.tokens().findLegacyKey("other@example.com", key.secret())).isEmpty();
    assertThat(catalog.tokens().findBearer(key.secret())).isEmpty();
    assertThat(catalog.tokens().findLegacyKey("me@example.com", bearer.secret())).isEmpty();
  }

  @Test
  void namesAreUniquePerAccountAndCaseSensitive() {
    create("db", 1);
    create("Db", 2);
    assertThatThrownBy(() -> catalog.databases().reserve(record(account, "db", 3), 100))
        .isInstanceOf(D1Exception.DuplicateName.class);
    AccountId other = catalog.accounts().create("b").id();
    catalog.databases().reserve(record(other, "db", 4), 100);
  }

  @Test
  void theDatabaseLimitCountsEveryState() {
    create("a", 1);
    catalog.databases().reserve(record(account, "b", 2), 2);
    assertThatThrownBy(() -> catalog.databases().reserve(record(account, "c", 3), 2))
        .isInstanceOf(D1Exception.DatabaseLimitReached.class)
        .hasMessage("System limit reached: databases per account (2)");
  }

  @Test
  void aDatabaseIsVisibleOnlyBetweenActivationAndDeletion() {
    DatabaseRecord r = record(account, "life", 1);
    catalog.databases().reserve(r, 100);
    assertThat(catalog.databases().find(account, r.id())).isEmpty();
    assertThat(catalog.databases().unfinished()).containsExactly(r.id());
    catalog.databases().activate(r.id());
    assertThat(catalog.databases().findByName(account, "life")).isPresent();
    assertThat(catalog.databases().unfinished()).isEmpty();
    catalog.databases().markDeleting(r.id());
    assertThat(catalog.databases().find(account, r.id())).isEmpty();
    assertThat(catalog.databases().unfinished()).containsExactly(r.id());
    assertThatThrownBy(() -> catalog.databases().reserve(record(account, "life", 2), 100))
        .isInstanceOf(D1Exception.DuplicateName.class);
    catalog.databases().remove(r.id());
    catalog.databases().reserve(record(account, "life", 3), 100);
  }

  @Test
  void listingPagesInCreationOrderAndFiltersByName() {
    DatabaseRecord c = create("Charlie", 30);
    DatabaseRecord a = create("alpha", 10);
    DatabaseRecord b = create("bravo", 20);
    DatabasePage all = catalog.databases().list(account, Optional.empty(), 1, 10);
    assertThat(all.items()).extracting(DatabaseRecord::id).containsExactly(a.id(), b.id(), c.id());
    assertThat(all.totalCount()).isEqualTo(3);
    assertThat(catalog.databases().list(account, Optional.empty(), 2, 2).items())
        .extracting(DatabaseRecord::id)
        .containsExactly(c.id());
    assertThat(catalog.databases().list(account, Optional.empty(), 3, 2).items()).isEmpty();
    assertThat(catalog.databases().list(account, Optional.of("AR"), 1, 10).items())
        .extracting(DatabaseRecord::name)
        .containsExactly("Charlie");
    assertThat(catalog.databases().list(account, Optional.of("%"), 1, 10).items()).isEmpty();
  }

  @Test
  void twoProcessesSeeEachOthersWrites() {
    try (SqliteCatalog cli = SqliteCatalog.open(dir.resolve("catalog.sqlite"))) {
      IssuedToken t = cli.tokens().create(account, "cli", Permission.EDIT, Optional.empty());
      assertThat(catalog.tokens().findBearer(t.secret())).isPresent();
      cli.tokens().revoke(t.token().id());
      assertThat(catalog.tokens().findBearer(t.secret())).isEmpty();
    }
  }

  @Test
  void metadataRoundTrips() {
    DatabaseRecord r =
        new DatabaseRecord(
            DatabaseId.random(),
            account,
            "meta",
            Instant.parse("2026-01-02T03:04:05.678Z"),
            Optional.of(Region.WEUR),
            Optional.of("eu"),
            Region.WEUR,
            "auto");
    assertThat(DatabaseMetadata.fromJson(DatabaseMetadata.toJson(r))).isEqualTo(r);
    assertThat(List.of(new String(DatabaseMetadata.toJson(r), StandardCharsets.UTF_8)))
        .allSatisfy(s -> assertThat(s).contains("\"format\" : 1").contains(r.id().toString()));
  }
}
