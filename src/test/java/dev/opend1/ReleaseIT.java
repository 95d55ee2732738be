package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release runs without Maven: {@code target/opend1-VERSION.tar.gz}, unpacked in an empty
 * directory, holds the launcher, the jar, a sample config and a systemd unit; the launcher finds a
 * Java 21 or newer by itself, prints the version with its commit, and serves D1 queries with the
 * sample config. Runs after {@code package} (failsafe), against the tarball the build just made.
 */
class ReleaseIT {

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "release-test-token";
  private static final Pattern SERVING = Pattern.compile("opend1 serving http://[^:]+:(\\d+)/");

  @TempDir Path dir;

  private static String run(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", pb.command()) + "\n" + out).isZero();
    return out;
  }

  @Test
  void theTarballRunsWithoutMaven() throws Exception {
    Path tarball = Path.of(System.getProperty("opend1.release"));
    String version = System.getProperty("opend1.version");
    run(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
    Path home = dir.resolve("opend1-" + version);
    Path launcher = home.resolve("bin/opend1");
    assertThat(Files.isExecutable(launcher)).isTrue();
    assertThat(home.resolve("lib/opend1.jar")).isRegularFile();
    assertThat(home.resolve("etc/opend1.conf")).isRegularFile();
    String unit = Files.readString(home.resolve("systemd/opend1.service"));
    assertThat(unit)
        .contains("ExecStart=/opt/opend1/bin/opend1 serve --config /etc/opend1/opend1.conf");
    // systemd's own check of the unit, where systemd's tools are installed (Debian has them).
    if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
      Path local =
          Files.writeString(
              dir.resolve("opend1.service"), unit.replace("/opt/opend1", home.toString()));
      assertThat(run(new ProcessBuilder("systemd-analyze", "verify", local.toString()))).isEmpty();
    }

    // Without JAVA_HOME, the launcher finds a runtime 21 or newer by itself (Debian's java on the
    // PATH may be older); the JDK running this test is one it can find.
    ProcessBuilder version1 = new ProcessBuilder(launcher.toString(), "--version");
    String javaHome = System.getProperty("java.home");
    version1.environment().remove("JAVA_HOME");
    version1
        .environment()
        .put(
            "PATH",
            (javaHome.startsWith("/usr/lib/jvm/") ? "" : javaHome + "/bin:") + "/usr/bin:/bin");
    assertThat(run(version1).strip())
        .matches("opend1 " + Pattern.quote(version) + " \\(commit [0-9a-f]{7,}\\)");

    // It serves with the sample config, its port and data directory overridden.
    ProcessBuilder serve =
        new ProcessBuilder(
            launcher.toString(),
            "serve",
            "--config",
            home.resolve("etc/opend1.conf").toString(),
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString());
    serve.environment().keySet().removeIf(k -> k.startsWith("OPEND1_"));
    serve.environment().put("JAVA_HOME", javaHome);
    serve.environment().put("OPEND1_ACCOUNT_ID", ACCOUNT);
    serve.environment().put("OPEND1_API_TOKEN", TOKEN);
    serve.environment().put("OPEND1_JAVA_OPTS", "-Xmx256m");
    serve.redirectOutput(dir.resolve("serve.out").toFile());
    Process server = serve.start();
    StringBuffer log = new StringBuffer();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.append(line).append('\n');
                  Matcher m = SERVING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (Exception e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("exited:\n" + log));
            });
    reader.setDaemon(true);
    reader.start();
    try {
      String base = "http://127.0.0.1:" + port.get(90, TimeUnit.SECONDS);
      // The launcher execs the JVM (same process) with its memory options, OPEND1_JAVA_OPTS after
      // them so that they can override them, and two malloc arenas (docs/performance.md#memory).
      List<String> cmdline =
          List.of(Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).split("\0"));
      assertThat(cmdline)
          .containsSubsequence(
              "-Xms64m",
              "-XX:MinHeapFreeRatio=10",
              "-XX:MaxHeapFreeRatio=30",
              "-XX:G1PeriodicGCInterval=10000",
              "-XX:-G1UseAdaptiveIHOP",
              "-Xmx256m",
              "-jar");
      assertThat(Files.readString(Path.of("/proc/" + server.pid() + "/environ")).split("\0"))
          .contains("MALLOC_ARENA_MAX=2");
      D1Client client = new D1Client(base, Map.of("Authorization", "Bearer " + TOKEN));
      String databases = "/client/v4/accounts/" + ACCOUNT + "/d1/database";
      Reply created = client.post(databases, "{\"name\":\"released\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      Reply rows =
          client.post(
              databases + "/released/query",
              "{\"batch\":[{\"sql\":\"CREATE TABLE t(x)\"},"
                  + "{\"sql\":\"INSERT INTO t VALUES (?)\",\"params\":[42]},"
                  + "{\"sql\":\"SELECT x FROM t\"}]}");
      assertThat(rows.status()).as(rows.body()).isEqualTo(200);
      assertThat(rows.result().get(2).get("results").toString()).isEqualTo("[{\"x\":42}]");
      server.toHandle().destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as(log.toString()).isZero();
    } finally {
      server.destroyForcibly();
    }
    assertThat(List.of(log.toString())).allMatch(l -> !l.contains("ERROR"));
  }
}
