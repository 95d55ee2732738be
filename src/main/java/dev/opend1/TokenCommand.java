package dev.opend1;

import dev.opend1.catalog.ApiToken;
import dev.opend1.catalog.Catalog;
import dev.opend1.catalog.IssuedToken;
import dev.opend1.catalog.OperatorToken;
import dev.opend1.config.PostgresLocation;
import dev.opend1.core.AccountId;
import dev.opend1.core.Permission;
import dev.opend1.engine.DataDirectory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opend1 token ...}: creates, lists and revokes API tokens. Works whether or not a server is
 * running on the directory; a running server sees the change on its next request.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage API tokens.",
    subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Revoke.class})
final class TokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Without a subcommand: the usage, and status 2. */
  @Override
  public Integer call() {
    return Main.usage(spec);
  }

  /**
   * The catalog for a command-line tool (no server lock): in PostgreSQL with {@code --catalog},
   * else the one of an existing data directory.
   */
  static Catalog openCatalog(DataDirOption dataDir, CatalogOption catalog) {
    Optional<PostgresLocation> postgres = catalog.resolve();
    Path root =
        postgres.isPresent() ? dataDir.resolve() : DataDirectory.prepareForTool(dataDir.resolve());
    return CatalogOpener.open(postgres, root);
  }

  /** How a message names the catalog a tool opened. */
  static String where(DataDirOption dataDir, CatalogOption catalog) {
    return catalog.resolve().map(PostgresLocation::url).orElse(dataDir.resolve().toString());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a token; prints the token id, then the token alone on the last line. The token"
              + " is shown only this once.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataDirOption dataDir;

    @Mixin CatalogOption catalogOption;

    @Option(names = "--account", paramLabel = "ID", description = "Account id.")
    String account;

    @Option(
        names = "--operator",
        description =
            "Create an operator token instead: it reads GET /status and runs the online doctor,"
                + " and has no D1 rights on any account.")
    boolean operator;

    @Option(
        names = "--read-only",
        description =
            "D1 Read rights only (list and get databases, query and raw that only read, export,"
                + " time-travel bookmarks, commits and diffs, GraphQL analytics): no create,"
                + " update, delete, import or restore. Without it, D1 Write rights (everything).")
    boolean readOnly;

    @Option(names = "--name", paramLabel = "N", description = "A label for the token.")
    String name;

    @Option(
        names = "--legacy-key",
        description =
            "Create a legacy API key, used with X-Auth-Email + X-Auth-Key"
                + " (wrangler's CLOUDFLARE_API_KEY + CLOUDFLARE_EMAIL); needs --email.")
    boolean legacyKey;

    @Option(names = "--email", paramLabel = "E", description = "Email of a legacy API key.")
    String email;

    @Override
    public Integer call() {
      if (operator) {
        return createOperatorToken();
      }
      if (account == null) {
        spec.commandLine().getErr().println("opend1: give --account ID, or --operator");
        return 2;
      }
      Optional<AccountId> id = AccountId.parse(account);
      if (id.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("opend1: --account must be 32 lowercase hex characters");
        return 2;
      }
      if (legacyKey != (email != null)) {
        spec.commandLine().getErr().println("opend1: --legacy-key and --email go together");
        return 2;
      }
      try (Catalog catalog = openCatalog(dataDir, catalogOption)) {
        if (catalog.accounts().find(id.get()).isEmpty()) {
          spec.commandLine()
              .getErr()
              .println("opend1: no account " + account + " in " + where(dataDir, catalogOption));
          return 1;
        }
        IssuedToken t =
            catalog
                .tokens()
                .create(
                    id.get(),
                    name != null ? name : (legacyKey ? "legacy key" : "token"),
                    readOnly ? Permission.READ : Permission.EDIT,
                    Optional.ofNullable(email));
        spec.commandLine().getOut().println("token id: " + t.token().id());
        spec.commandLine().getOut().println(t.secret());
      }
      return 0;
    }

    private int createOperatorToken() {
      if (account != null || readOnly || legacyKey || email != null) {
        spec.commandLine()
            .getErr()
            .println("opend1: --operator takes no --account, --read-only, --legacy-key or --email");
        return 2;
      }
      try (Catalog catalog = openCatalog(dataDir, catalogOption)) {
        OperatorToken.Issued t = catalog.tokens().createOperator(name != null ? name : "operator");
        spec.commandLine().getOut().println("token id: " + t.token().id());
        spec.commandLine().getOut().println(t.secret());
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List tokens, never the token itself: id, account, permission, creation time, name. A"
              + " legacy key's permission carries a * and its email follows its name; an operator"
              + " token has no account (-).")
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataDirOption dataDir;

    @Mixin CatalogOption catalogOption;

    @Override
    public Integer call() {
      try (Catalog catalog = openCatalog(dataDir, catalogOption)) {
        spec.commandLine()
            .getOut()
            .printf(
                "%-32s  %-32s  %-10s  %-24s  %s%n",
                "ID", "ACCOUNT", "PERMISSION", "CREATED", "NAME");
        for (ApiToken t : catalog.tokens().list()) {
          spec.commandLine()
              .getOut()
              .printf(
                  "%-32s  %-32s  %-10s  %-24s  %s%n",
                  t.id(),
                  t.account(),
                  t.permission().name().toLowerCase(Locale.ROOT)
                      + (t.legacyEmail().isPresent() ? "*" : ""),
                  t.createdAt(),
                  t.name() + t.legacyEmail().map(e -> " <" + e + ">").orElse(""));
        }
        for (OperatorToken t : catalog.tokens().operators()) {
          spec.commandLine()
              .getOut()
              .printf(
                  "%-32s  %-32s  %-10s  %-24s  %s%n",
                  t.id(), "-", "operator", t.createdAt(), t.name());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token by its id; a running server refuses it from its next request.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataDirOption dataDir;

    @Mixin CatalogOption catalogOption;

    @Parameters(paramLabel = "TOKEN_ID", description = "The id printed by create and list.")
    String tokenId;

    @Override
    public Integer call() {
      try (Catalog catalog = openCatalog(dataDir, catalogOption)) {
        if (!catalog.tokens().revoke(tokenId)) {
          spec.commandLine().getErr().println("opend1: no token with id " + tokenId);
          return 1;
        }
        spec.commandLine().getOut().println("revoked " + tokenId);
      }
      return 0;
    }
  }
}
