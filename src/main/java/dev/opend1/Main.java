package dev.opend1;

import dev.opend1.config.Names;
import dev.opend1.config.Setting;
import dev.opend1.config.Settings;
import dev.opend1.core.BuildInfo;
import dev.opend1.core.IoErrors;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code opend1} command: wiring only. Each subcommand lives in its own class.
 *
 * <p>Exit status: 0 on success, 1 when a command ran and found a problem (doctor) or what it was
 * asked for does not exist, 2 when it could not run at all (bad usage, a setting that cannot be
 * used, a start that failed). A failure is one line on standard error, never a stack trace; the
 * trace goes to the debug log ({@code OPEND1_LOG_LEVEL=DEBUG}).
 */
@Command(
    name = "opend1",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A self-hosted database service that speaks Cloudflare D1's REST API.",
    subcommands = {
      ServeCommand.class,
      AccountCommand.class,
      TokenCommand.class,
      DoctorCommand.class,
      StatusCommand.class,
      RecoverCommand.class,
      ClusterCommand.class
    })
public final class Main implements Callable<Integer> {

  /** Exit status of a command that could not run: bad usage, a setting, a failed start. */
  static final int CANNOT_RUN = 2;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every setting of {@link Settings} added to {@code serve}. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::failed);
    cli.setParameterExceptionHandler(Main::misused);
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

  /** {@code opend1} alone: the usage, on standard error, and status 2. */
  @Override
  public Integer call() {
    return usage(spec);
  }

  /** For a command that needs a subcommand and got none: its usage, on standard error. */
  static int usage(CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CANNOT_RUN;
  }

  /**
   * A command line picocli cannot parse (an unknown or misspelt option, a missing value): one line
   * saying what, with picocli's suggestion, and where the options are listed; status 2.
   */
  private static int misused(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String suggestion = "";
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      suggestion =
          Names.closest(
                  u.getUnmatched().get(0).replaceAll("=.*", ""),
                  command.getCommandSpec().optionsMap().keySet())
              .map(o -> " (did you mean " + o + "?)")
              .orElse("");
    }
    command
        .getErr()
        .println(
            "opend1: "
                + e.getMessage()
                + suggestion
                + "; `"
                + command.getCommandSpec().qualifiedName()
                + " --help` lists the options");
    return CANNOT_RUN;
  }

  /** A command failed with an exception: one line saying why, and status 2. */
  private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    LoggerFactory.getLogger(Main.class).debug("opend1 {} failed", command.getCommandName(), e);
    command.getErr().println("opend1: " + describe(e));
    return CANNOT_RUN;
  }

  /** An exception as one line for an operator: its message, with the file error in words. */
  static String describe(Throwable e) {
    Throwable t = e;
    if (t instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      t = u.getCause();
    }
    String message =
        t instanceof java.io.IOException io
            ? IoErrors.describe(io)
            : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  /** Prints the version and the git revision it was built from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {"opend1 " + b.version() + " (commit " + b.revision() + ")"};
    }
  }
}
