package dev.opend1;

import dev.opend1.testing.ServerProcess.Output;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs {@code opend1 ARGS} inside the test's JVM, as {@code main} would but without exiting, and
 * returns its exit code and what it printed. For commands that finish (tools, and starts that
 * fail); a server that starts must run in a process of its own.
 */
final class Commands {

  private Commands() {}

  static Output run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Output(code, out.toString(), err.toString());
  }
}
