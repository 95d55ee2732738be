package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Catalog} does, whatever keeps it: each store's test extends this, so SQLite and
 * PostgreSQL are held to the same behaviour, down to the order of a listing and the case folding of
 * its filter.
 */
abstract class CatalogContractTest {

  Catalog catalog;
  AccountId account;

  /** A new, empty catalog. */
  abstract Catalog openEmpty() throws Exception;

  /** Another catalog over the same store as {@link #catalog} (another process, another node). */
  abstract Catalog openSame();

  /** Called after each test, once the catalogs are closed. */
  void cleanUp() {}

  @BeforeEach
  void open() throws Exception {
    catalog = openEmpty();
    account = catalog.accounts().create("a").id();
  }

  @AfterEach
  void close() {
    catalog.close();
    cleanUp();
  }

  DatabaseRecord record(AccountId owner, String name, long createdMillis) {
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

  DatabaseRecord create(String name, long createdMillis) {
    DatabaseRecord r = record(account, name, createdMillis);
    catalog.databases().reserve(r, 100);
    catalog.databases().activate(r.id());
    return r;
  }

  @Test
  void tokensAreFoundByTheirSecretUntilRevoked() {
    IssuedToken t = catalog.tokens().create(account, "t", Permission.READ, Optional.empty());
    assertThat(t.secret()).hasSize(40);
    assertThat(catalog.tokens().findBearer(t.secret()))
        .get()
        .extracting(ApiToken::permission)
        .isEqualTo(Permission.READ);
    assertThat(catalog.tokens().findBearer(t.secret() + "x")).isEmpty();
    assertThat(catalog.tokens().list()).extracting(ApiToken::id).containsExactly(t.token().id());
    assertThat(catalog.tokens().revoke(t.token().id())).isTrue();
    assertThat(catalog.tokens().findBearer(t.secret())).isEmpty();
    assertThat(catalog.tokens().revoke(t.token().id())).isFalse();
  }

  @Test
  void aTokenNeedsAnExistingAccount() {
    AccountId nobody = new AccountId("cd".repeat(16));
    assertThatThrownBy(
            () -> catalog.tokens().create(nobody, "t", Permission.EDIT, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(catalog.tokens().list()).isEmpty();
  }

  @Test
  void operatorTokensAndAccountTokensAreKeptApart() {
    OperatorToken.Issued op = catalog.tokens().createOperator("ops");
    IssuedToken t = catalog.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    assertThat(catalog.tokens().findOperator(op.secret()))
        .map(OperatorToken::id)
        .contains(op.token().id());
    assertThat(catalog.tokens().findBearer(op.secret())).isEmpty();
    assertThat(catalog.tokens().findOperator(t.secret())).isEmpty();
    assertThat(catalog.tokens().operators()).extracting(OperatorToken::name).containsExactly("ops");
    assertThat(catalog.tokens().revoke(op.token().id())).isTrue();
    assertThat(catalog.tokens().findOperator(op.secret())).isEmpty();
    assertThat(catalog.tokens().findBearer(t.secret())).isPresent();
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
    assertThat(catalog.accounts().list()).extracting(Account::id).containsExactly(account, id);
    ApiToken moved = catalog.tokens().ensure(account, "given-token", "env", Permission.READ);
    assertThat(moved.id()).isEqualTo(first.id());
    assertThat(catalog.tokens().findBearer("given-token"))
        .get()
        .satisfies(
            t -> {
              assertThat(t.account()).isEqualTo(account);
              assertThat(t.permission()).isEqualTo(Permission.READ);
            });
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
    assertThat(catalog.databases().findByName(account, "life")).contains(r);
    assertThat(catalog.databases().find(account, r.id())).contains(r);
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
  void aRecordKeepsEveryField() {
    DatabaseRecord r =
        new DatabaseRecord(
            DatabaseId.random(),
            account,
            "full",
            Instant.parse("2026-01-02T03:04:05.678Z"),
            Optional.of(Region.WEUR),
            Optional.of("eu"),
            Region.WEUR,
            "auto");
    catalog.databases().reserve(r, 100);
    catalog.databases().activate(r.id());
    assertThat(catalog.databases().find(account, r.id())).contains(r);
    assertThat(catalog.databases().find(catalog.accounts().create("b").id(), r.id())).isEmpty();
  }

  @Test
  void readReplicationIsSetOnVisibleDatabasesOnly() {
    DatabaseRecord r = create("rr", 1);
    assertThat(catalog.databases().setReadReplication(account, r.id(), "auto"))
        .contains(r.withReadReplicationMode("auto"));
    assertThat(catalog.databases().findByName(account, "rr"))
        .map(DatabaseRecord::readReplicationMode)
        .contains("auto");
    assertThat(catalog.databases().setReadReplication(account, DatabaseId.random(), "auto"))
        .isEmpty();
    catalog.databases().markDeleting(r.id());
    assertThat(catalog.databases().setReadReplication(account, r.id(), "disabled")).isEmpty();
  }

  @Test
  void listingPagesInCreationOrderAndFiltersByName() {
    DatabaseRecord c = create("Charlie", 30);
    DatabaseRecord a = create("alpha", 10);
    DatabaseRecord b = create("bravo", 20);
    DatabaseRecord e = create("Émile", 40);
    DatabasePage all = catalog.databases().list(account, Optional.empty(), 1, 10);
    assertThat(all.items())
        .extracting(DatabaseRecord::id)
        .containsExactly(a.id(), b.id(), c.id(), e.id());
    assertThat(all.totalCount()).isEqualTo(4);
    DatabasePage second = catalog.databases().list(account, Optional.empty(), 2, 3);
    assertThat(second.items()).extracting(DatabaseRecord::id).containsExactly(e.id());
    assertThat(second.totalCount()).isEqualTo(4);
    DatabasePage past = catalog.databases().list(account, Optional.empty(), 3, 2);
    assertThat(past.items()).isEmpty();
    assertThat(past.totalCount()).isEqualTo(4);
    DatabasePage filtered = catalog.databases().list(account, Optional.of("AR"), 1, 10);
    assertThat(filtered.items()).extracting(DatabaseRecord::name).containsExactly("Charlie");
    assertThat(filtered.totalCount()).isEqualTo(1);
    assertThat(catalog.databases().list(account, Optional.of("%"), 1, 10).items()).isEmpty();
    assertThat(catalog.databases().list(account, Optional.of("_"), 1, 10).items()).isEmpty();
    assertThat(catalog.databases().list(account, Optional.of(""), 1, 10).totalCount()).isEqualTo(4);
    // Only ASCII letters fold: "é" finds "Émile" no more than SQLite's lower() would.
    assertThat(catalog.databases().list(account, Optional.of("MILE"), 1, 10).items())
        .containsExactly(e);
    assertThat(catalog.databases().list(account, Optional.of("é"), 1, 10).items()).isEmpty();
  }

  @Test
  void sameCreationTimeOrdersById() {
    List<DatabaseRecord> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(create("same" + i, 7));
    }
    List<String> ids =
        made.stream()
            .map(r -> r.id().toString())
            .sorted()
            .collect(ArrayList::new, List::add, List::addAll);
    assertThat(catalog.databases().list(account, Optional.empty(), 1, 10).items())
        .extracting(r -> r.id().toString())
        .containsExactlyElementsOf(ids);
  }

  @Test
  void concurrentReservesOfOneNameHaveOneWinner() throws Exception {
    List<String> outcomes = race(8, i -> () -> reserveOutcome(record(account, "race", i), 100));
    assertThat(outcomes).filteredOn("reserved"::equals).hasSize(1);
    assertThat(outcomes).filteredOn("duplicate"::equals).hasSize(7);
  }

  @Test
  void concurrentReservesStopAtTheLimit() throws Exception {
    List<String> outcomes = race(8, i -> () -> reserveOutcome(record(account, "db" + i, i), 3));
    assertThat(outcomes).filteredOn("reserved"::equals).hasSize(3);
    assertThat(outcomes).filteredOn("limit"::equals).hasSize(5);
    assertThat(catalog.databases().unfinished()).hasSize(3);
  }

  private String reserveOutcome(DatabaseRecord r, int limit) {
    try {
      catalog.databases().reserve(r, limit);
      return "reserved";
    } catch (D1Exception.DuplicateName e) {
      return "duplicate";
    } catch (D1Exception.DatabaseLimitReached e) {
      return "limit";
    }
  }

  /** Runs {@code n} tasks at once (released together) and returns their results. */
  static <T> List<T> race(int n, java.util.function.IntFunction<Callable<T>> task)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> t = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return t.call();
                }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theFirstAccountIsMadeOnlyWhenThereIsNone() throws Exception {
    // The setup made one: nothing more, from any number of callers.
    assertThat(race(4, i -> () -> catalog.accounts().createFirst("first")))
        .allMatch(Optional::isEmpty);
    assertThat(catalog.accounts().list()).hasSize(1);
  }

  @Test
  void twoCatalogsOnOneStoreSeeEachOthersWrites() {
    try (Catalog other = openSame()) {
      IssuedToken t = other.tokens().create(account, "cli", Permission.EDIT, Optional.empty());
      assertThat(catalog.tokens().findBearer(t.secret())).isPresent();
      other.tokens().revoke(t.token().id());
      assertThat(catalog.tokens().findBearer(t.secret())).isEmpty();
      DatabaseRecord r = create("shared", 1);
      assertThat(other.databases().findByName(account, "shared")).contains(r);
      assertThatThrownBy(() -> other.databases().reserve(record(account, "shared", 2), 100))
          .isInstanceOf(D1Exception.DuplicateName.class);
      assertThat(other.accounts().find(account)).isPresent();
    }
  }
}
