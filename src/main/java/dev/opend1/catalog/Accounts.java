package dev.opend1.catalog;

import dev.opend1.core.AccountId;
import java.util.List;
import java.util.Optional;

/** The accounts databases and tokens belong to. */
public interface Accounts {

  /** Creates an account with a random id. */
  Account create(String name);

  /**
   * Creates an account with a random id only when there is no account at all (a first start); empty
   * when there is one. Of several callers at once, from any process or node, one creates it.
   */
  Optional<Account> createFirst(String name);

  /** Makes sure the account exists (idempotent). */
  Account ensure(AccountId id, String name);

  /** The account with this id, if any. */
  Optional<Account> find(AccountId id);

  /** All accounts, oldest first. */
  List<Account> list();
}
