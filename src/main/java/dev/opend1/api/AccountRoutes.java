package dev.opend1.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.Account;
import dev.opend1.catalog.Accounts;
import io.javalin.http.Context;

/**
 * The account and user endpoints wrangler calls outside D1: account discovery when no {@code
 * CLOUDFLARE_ACCOUNT_ID} is set ({@code /accounts}, {@code /memberships}) and {@code wrangler
 * whoami} ({@code /user/tokens/verify}, {@code /user}). Each answers for the caller's own account
 * only, with the minimal shapes those commands read.
 */
final class AccountRoutes {

  private final Accounts accounts;

  AccountRoutes(Accounts accounts) {
    this.accounts = accounts;
  }

  /** {@code GET /accounts}. */
  void accounts(Context ctx, Caller caller) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    items.add(account(caller));
    Envelope.page(ctx, items, singlePage());
  }

  /** {@code GET /memberships}. */
  void memberships(Context ctx, Caller caller) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    ObjectNode m = items.addObject();
    m.put("id", caller.token().id());
    m.put("status", "accepted");
    m.putArray("roles").add("Administrator");
    m.set("account", account(caller));
    Envelope.page(ctx, items, singlePage());
  }

  /** {@code GET /user/tokens/verify}. */
  void verifyToken(Context ctx, Caller caller) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("id", caller.token().id());
    r.put("status", "active");
    Envelope.ok(ctx, r);
  }

  /**
   * {@code GET /user}. opend1 has no users apart from tokens: the token stands for its user, with
   * the legacy key's email or a local placeholder.
   */
  void user(Context ctx, Caller caller) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("id", caller.token().id());
    r.put("email", caller.token().legacyEmail().orElse("opend1@localhost"));
    Envelope.ok(ctx, r);
  }

  private ObjectNode account(Caller caller) {
    String name =
        accounts.find(caller.account()).map(Account::name).orElse(caller.account().value());
    ObjectNode a = Json.MAPPER.createObjectNode();
    a.put("id", caller.account().value());
    a.put("name", name);
    return a;
  }

  private static ObjectNode singlePage() {
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("page", 1);
    info.put("per_page", 20);
    info.put("count", 1);
    info.put("total_count", 1);
    info.put("total_pages", 1);
    return info;
  }
}
