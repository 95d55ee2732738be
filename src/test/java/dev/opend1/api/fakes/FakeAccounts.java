package dev.opend1.api.fakes;

import dev.opend1.catalog.Account;
import dev.opend1.catalog.Accounts;
import dev.opend1.core.AccountId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Accounts} in a map. */
public final class FakeAccounts implements Accounts {

  private final Map<AccountId, Account> accounts = new ConcurrentHashMap<>();

  @Override
  public Account create(String name) {
    return ensure(AccountId.random(new SecureRandom()), name);
  }

  @Override
  public synchronized Optional<Account> createFirst(String name) {
    return accounts.isEmpty() ? Optional.of(create(name)) : Optional.empty();
  }

  @Override
  public Account ensure(AccountId id, String name) {
    return accounts.computeIfAbsent(id, i -> new Account(i, name, Instant.now()));
  }

  @Override
  public Optional<Account> find(AccountId id) {
    return Optional.ofNullable(accounts.get(id));
  }

  @Override
  public List<Account> list() {
    return List.copyOf(accounts.values());
  }
}
