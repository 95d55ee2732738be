package dev.opend1.api;

import dev.opend1.catalog.ApiToken;
import dev.opend1.core.AccountId;
import dev.opend1.core.D1Exception;

/** Who is calling: the authenticated token and the account it acts for. */
record Caller(ApiToken token) {

  AccountId account() {
    return token.account();
  }

  /**
   * Checks that this caller may act on the account named in the path. A token used on another
   * account's paths learns nothing about that account: the answer is the same whatever follows in
   * the path.
   */
  void requireAccount(String pathAccount) {
    if (!token.account().value().equals(pathAccount)) {
      throw new D1Exception.AccountNotAuthorized();
    }
  }

  /** Checks that the token has D1 Write rights for an action described by {@code what}. */
  void requireEdit(String what) {
    if (!token.permission().canEdit()) {
      throw new D1Exception.ReadOnlyToken(what);
    }
  }
}
