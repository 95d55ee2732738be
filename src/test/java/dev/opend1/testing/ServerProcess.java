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
  private final StringBuffer stdout = new StringBuffer();
  private final List<Thread> readers = new ArrayList<>();

  /** When the process was started, by {@link System#nanoTime}. */
  private final long startedAt = System.nanoTime();

  /** The process's CPU time and age, in ms, when it said it serves; -1 before. */
  private volatile long cpuMillisAtServing = -1;

  private volatile long millisToServing = -1;

  private ServerProcess(Process process) {
    this.process = process;
    Thread out =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  stdout.append(line).append('\n');
                }
              } catch (IOException e) {
                stdout.append("<").append(e).append(">");
              }
            },
            "server-stdout");
    out.setDaemon(true);
    out.start();
    readers.add(out);
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  stderr.append(line).append('\n');
                  // JSON log lines escape '/' as '\/'.
                  Matcher m = SERVING.matcher(line.replace("\\/", "/"));
                  if (m.find()) {
                    cpuMillisAtServing = cpuMillis(process.pid());
                    millisToServing = (System.nanoTime() - startedAt) / 1_000_000;
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
    readers.add(t);
  }

  /**
   * Starts {@code serve --port 0 --data-dir DIR} with extra JVM options, flags and environment;
   * waits until it serves.
   */
  public static ServerProcess start(
      Path dataDir, List<String> jvmOptions, List<String> flags, Map<String, String> env)
      throws IOException {
    return start(dataDir, 0, jvmOptions, flags, env);
  }

  /** As {@link #start(Path, List, List, Map)} on a given port (0: any free one). */
  public static ServerProcess start(
      Path dataDir, int port, List<String> jvmOptions, List<String> flags, Map<String, String> env)
      throws IOException {
    return serve(java(jvmOptions), dataDir, port, flags, env);
  }

  /**
   * As {@link #start(Path, List, List, Map)}, run by a launcher script ({@code ./opend1}) instead
   * of on the test's class path: the JVM gets the launcher's options and environment, and {@code
   * OPEND1_JAVA_OPTS} in {@code env} adds to them.
   */
  public static ServerProcess startLauncher(
      Path launcher, Path dataDir, List<String> flags, Map<String, String> env) throws IOException {
    return serve(new ArrayList<>(List.of(launcher.toString())), dataDir, 0, flags, env);
  }

  private static ServerProcess serve(
      List<String> cmd, Path dataDir, int port, List<String> flags, Map<String, String> env)
      throws IOException {
    cmd.add("serve");
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    cmd.addAll(flags);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OPEND1_"));
    pb.environment().putAll(env);
    ServerProcess p = new ServerProcess(pb.start());
    try {
      p.port();
    } catch (RuntimeException e) {
      p.process.destroyForcibly(); // never leave a server behind a failed start
      throw e;
    }
    return p;
  }

  /** The command that runs {@code dev.opend1.Main} on the test's class path. */
  private static List<String> java(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.opend1.Main");
    return cmd;
  }

  /** What a finished command printed. */
  public record Output(int exitCode, String stdout, String stderr) {
    /** The last non-empty line of standard output. */
    public String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1].strip();
    }
  }

  /**
   * Runs {@code opend1 ARGS} (a tool command, or a {@code serve} that is expected to exit) and
   * waits up to 60 s for it.
   */
  public static Output run(Map<String, String> env, String... args) throws Exception {
    return run(List.of(), env, args);
  }

  private static Output run(List<String> prefix, Map<String, String> env, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(java(List.of()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("OPEND1_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("opend1 " + String.join(" ", args) + " did not finish");
    }
    return new Output(p.exitValue(), out, err.get());
  }

  /**
   * Runs {@code opend1 ARGS} as {@link #run} does, but subject to file modes: as root, without the
   * capabilities that let root read and write whatever it likes (through util-linux's setpriv).
   */
  public static Output runUnprivileged(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (((Number) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue()
        == 0) {
      command.addAll(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search"));
    }
    return run(command, env, args);
  }

  /** Kills the server as a crash would (SIGKILL), and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) and waits for {@code kill} to send it. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /**
   * Sends SIGTERM without waiting. Through the process handle: {@code Process.destroy} would also
   * close the pipes and lose what the server prints while it stops.
   */
  public void signalTerm() {
    process.toHandle().destroy();
  }

  /** Waits up to {@code limit} for the server to exit; its exit code. */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("server did not stop within " + limit + ":\n" + stderr);
    }
    for (Thread r : readers) {
      r.join(5_000); // the rest of what it printed
    }
    return process.exitValue();
  }

  public String stdout() {
    return stdout.toString();
  }

  /**
   * The port it serves on; waits up to 180 s for it (a loaded machine starts JVMs slowly: a cluster
   * node, with PostgreSQL and two object-store clients to set up, took over 90 s on 2 shared
   * cores).
   */
  public int port() {
    try {
      return port.get(180, TimeUnit.SECONDS);
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

  /**
   * How long the start took, from the process's start to its "serving" line, and how much CPU time
   * (user and system) it had used by then: on a loaded machine the difference is time spent waiting
   * for a core.
   */
  public String startTimes() {
    return String.format(
        java.util.Locale.ROOT,
        "%.1f s (%.1f s of CPU)",
        millisToServing / 1000.0,
        cpuMillisAtServing / 1000.0);
  }

  /** A live process's CPU time so far (Linux' /proc), in ms; -1 when it cannot be read. */
  private static long cpuMillis(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      return ticks * 1000 / 100; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
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
