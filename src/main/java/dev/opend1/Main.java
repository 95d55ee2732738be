package dev.opend1;

import dev.opend1.config.Setting;
import dev.opend1.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code opend1} command: wiring only. Each subcommand lives in its own class. */
@Command(
    name = "opend1",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A self-hosted database service that speaks Cloudflare D1's REST API.",
    subcommands = {
      ServeCommand.class,
      AccountCommand.class,
      TokenCommand.class,
      DoctorCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every setting of {@link Settings} added to {@code serve}. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    CommandLine serve = cli.getSubcommands().get("serve");
    for (Setting s : Settings.ALL) {
      serve
          .getCommandSpec()
          .addOption(
              OptionSpec.builder(s.flag())
                  .paramLabel(s.label())
                  .type(String.class)
                  .description(helpLine(s))
                  .build());
    }
    return cli;
  }

  /** A setting's help text: its description, default and environment variable. */
  static String helpLine(Setting s) {
    return s.description()
        + " Default: "
        + (s.defaultValue() == null ? "none" : s.defaultValue())
        + ". Env: "
        + s.envVar()
        + ".";
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Prints the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"opend1 " + (v == null ? "dev" : v)};
    }
  }
}
