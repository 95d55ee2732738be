package dev.opend1;

import dev.opend1.catalog.Account;
import dev.opend1.catalog.Catalog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opend1 account ...}: manages accounts; works whether or not a server is running. */
@Command(
    name = "account",
    mixinStandardHelpOptions = true,
    description = "Manage accounts.",
    subcommands = {AccountCommand.Create.class})
final class AccountCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Without a subcommand: the usage, and status 2. */
  @Override
  public Integer call() {
    return Main.usage(spec);
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an account; prints its id alone on the last line.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataDirOption dataDir;

    @Mixin CatalogOption catalogOption;

    @Option(names = "--name", description = "A label for the account.", defaultValue = "opend1")
    String name;

    @Override
    public Integer call() {
      try (Catalog catalog = TokenCommand.openCatalog(dataDir, catalogOption)) {
        Account a = catalog.accounts().create(name);
        spec.commandLine().getOut().println(a.id());
      }
      return 0;
    }
  }
}
