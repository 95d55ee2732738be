package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What an operator sees when opend1 cannot start or a tool cannot run: one line saying why, on
 * standard error, and exit status 2; never a stack trace.
 */
class StartupErrorsTest {

  @TempDir Path dir;

  /** The output is one line starting with "opend1: " and the exit status is 2. */
  private static String oneLine(Output out) {
    assertThat(out.exitCode()).as(out.stdout() + out.stderr()).isEqualTo(2);
    assertThat(out.stderr().strip().lines()).as(out.stderr()).hasSize(1);
    assertThat(out.stderr())
        .startsWith("opend1: ")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    return out.stderr().strip();
  }

  private Output serve(String... flags) {
    List<String> args =
        new ArrayList<>(List.of("serve", "--data-dir", dir.resolve("data").toString()));
    args.addAll(List.of(flags));
    return Commands.run(args.toArray(String[]::new));
  }

  @Test
  void aPortInUseIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String port = Integer.toString(taken.getLocalPort());
      assertThat(oneLine(serve("--port", port)))
          .contains("127.0.0.1:" + port)
          .contains("already in use")
          .contains("--port");
      assertThat(oneLine(serve("--port", "0", "--metrics-port", port)))
          .contains("127.0.0.1:" + port)
          .contains("already in use")
          .contains("--metrics-port");
    }
  }

  @Test
  void anAddressThatCannotBeBoundSaysSo() {
    assertThat(oneLine(serve("--port", "0", "--host", "999.1.1.1")))
        .contains("999.1.1.1")
        .doesNotContainIgnoringCase("already in use")
        .contains("--host");
  }

  @Test
  void aMissingOrMalformedConfigFileSaysWhy() throws Exception {
    Path missing = dir.resolve("missing.conf");
    assertThat(oneLine(serve("--config", missing.toString())))
        .contains(missing.toString())
        .containsIgnoringCase("no such file");
    Path colon = Files.writeString(dir.resolve("colon.conf"), "# opend1\nport: 18955\n");
    assertThat(oneLine(serve("--config", colon.toString())))
        .contains(colon + " line 2")
        .contains("port: 18955")
        .contains("name = value");
  }

  @Test
  void aMisspeltOptionIsOneLineWithTheRightOne() {
    assertThat(oneLine(serve("--prot", "8787")))
        .contains("--prot")
        .contains("did you mean --port")
        .contains("`opend1 serve --help`");
  }

  @Test
  void noArgumentsPrintUsageAndExit2() {
    Output none = Commands.run();
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.stderr()).startsWith("Usage: opend1 ").contains("serve").contains("token");
    Output token = Commands.run("token");
    assertThat(token.exitCode()).isEqualTo(2);
    assertThat(token.stderr()).startsWith("Usage: opend1 token ");
  }

  @Test
  void everyCommandsUsageStartsWithOpend1() {
    List<CommandLine> all = new ArrayList<>(List.of(Main.commandLine()));
    for (int i = 0; i < all.size(); i++) {
      CommandLine c = all.get(i);
      all.addAll(c.getSubcommands().values());
      assertThat(c.getUsageMessage()).as(c.getCommandName()).startsWith("Usage: opend1");
    }
    assertThat(all).hasSizeGreaterThan(6);
  }

  @Test
  void toolsRefuseADataDirectoryThatDoesNotExist() {
    Path missing = dir.resolve("no-such-data");
    for (String[] args :
        List.of(
            new String[] {"account", "create", "--data-dir", missing.toString()},
            new String[] {"token", "list", "--data-dir", missing.toString()},
            new String[] {"doctor", "--data-dir", missing.toString()})) {
      assertThat(oneLine(Commands.run(args)))
          .contains(missing.toString())
          .contains("does not exist");
      assertThat(missing).doesNotExist();
    }
  }

  @Test
  void aToolOnADamagedCatalogIsOneLine() throws Exception {
    Files.write(
        dir.resolve("catalog.sqlite"),
        "not a database at all, not even close".repeat(200).getBytes());
    assertThat(oneLine(Commands.run("token", "list", "--data-dir", dir.toString())))
        .contains("catalog.sqlite");
  }

  /**
   * A data directory this user may not write, and a catalog it may not write: "permission denied".
   * The test runs as root here, which may write anything; the commands run without the capabilities
   * that let root ignore file modes.
   */
  @Test
  void directoriesThatCannotBeWrittenSayPermissionDenied() throws Exception {
    Map<String, String> none = Map.of();
    Path data = Files.createDirectories(dir.resolve("data"));
    assertThat(Commands.run("account", "create", "--data-dir", data.toString()).exitCode())
        .isZero();
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
    Files.setPosixFilePermissions(
        data.resolve("catalog.sqlite"), PosixFilePermissions.fromString("r--r--r--"));
    Path sub = data.resolve("sub");
    try {
      Output list =
          ServerProcess.runUnprivileged(none, "token", "list", "--data-dir", data.toString());
      assertThat(oneLine(list))
          .contains("catalog.sqlite")
          .containsIgnoringCase("permission denied");
      Output serve =
          ServerProcess.runUnprivileged(none, "serve", "--port", "0", "--data-dir", sub.toString());
      assertThat(oneLine(serve)).contains(sub.toString()).containsIgnoringCase("permission denied");
    } finally {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
