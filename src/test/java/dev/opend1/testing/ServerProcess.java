package dev.opend1.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server as a separate JVM (the test's own class path), for tests that need a process: a
 * small heap, a kill, a second server on the same directory.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("opend1 serving http://[^:]+:(\\d+)/");

  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final StringBuffer stderr = new StringBuffer();

  private ServerProcess(Process process) {
    this.process = process;
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  stderr.append(line).append('\n');
                  Matcher m = SERVING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("server exited:\n" + stderr));
            },
            "server-stderr");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Starts {@code serve --port 0 --data-dir DIR} with extra JVM options, flags and environment;
   * waits until it serves.
   */
  public static ServerProcess start(
      Path dataDir, List<String> jvmOptions, List<String> flags, Map<String, String> env)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.opend1.Main");
    cmd.add("serve");
    cmd.add("--port");
    cmd.add("0");
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    cmd.addAll(flags);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OPEND1_"));
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    ServerProcess p = new ServerProcess(pb.start());
    p.port();
    return p;
  }

  /** The port it serves on; waits up to 30 s for it. */
  public int port() {
    try {
      return port.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("server did not start:\n" + stderr, e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public String stderr() {
    return stderr.toString();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
