package dev.opend1.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests: Debian's binaries ({@code initdb}, {@code pg_ctl}) run
 * into a temporary directory, listening on a free loopback port (and a unix socket in that
 * directory), with password authentication over TCP for the superuser {@link #USER}. One server
 * serves the whole test run ({@link PostgresDatabase} starts it once and gives each test class a
 * database of its own); {@link #close} stops it and removes its directory.
 *
 * <p>{@code initdb} refuses to run as root. When the tests run as root (a CI container), every
 * PostgreSQL command runs as the {@code postgres} user that Debian's package creates (else {@code
 * nobody}) through {@code runuser}, and the directory is handed to that user.
 *
 * <p>fsync is off: the tests check behaviour, not PostgreSQL's durability.
 */
public final class Postgres implements AutoCloseable {

  public static final String USER = "opend1";
  public static final String PASSWORD = "opend1-test-password";

  private final Path bin;
  private final Path dir;
  private final List<String> asUser;
  private final int port;

  private Postgres(Path bin, Path dir, List<String> asUser, int port) {
    this.bin = bin;
    this.dir = dir;
    this.asUser = asUser;
    this.port = port;
  }

  /** Makes a new cluster in a temporary directory and starts it. */
  public static Postgres start() throws IOException, InterruptedException {
    Path bin = binDir();
    Path dir = Files.createTempDirectory("opend1-pg-");
    List<String> asUser = List.of();
    Optional<String> runAs = unprivilegedUser();
    if (runAs.isPresent()) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dir, users.lookupPrincipalByName(runAs.get()));
      asUser = List.of("runuser", "-u", runAs.get(), "--");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
    if (runAs.isPresent()) {
      Files.setOwner(pwfile, Files.getOwner(dir));
    }
    Postgres pg = null;
    try {
      run(
          asUser,
          dir.resolve("initdb.log"),
          bin.resolve("initdb").toString(),
          "-D",
          dir.resolve("data").toString(),
          "-U",
          USER,
          "--pwfile=" + pwfile,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          // Not plain C: lower() and sorting then follow Unicode, as on most servers, so a query
          // that must fold or order byte by byte has to say so (COLLATE "C") to pass the tests.
          "--locale=C.UTF-8",
          "--no-sync");
      // A free port can be taken between the probe and the start: try a few.
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        pg = new Postgres(bin, dir, asUser, freePort());
        try {
          pg.startServer();
          return pg;
        } catch (IOException e) {
          last = e;
        }
      }
      throw last;
    } catch (IOException | InterruptedException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  private void startServer() throws IOException, InterruptedException {
    run(
        asUser,
        dir.resolve("pg_ctl.log"),
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p "
            + port
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        "start");
  }

  /**
   * Stops the server at once, as a crash or a lost machine would ({@code pg_ctl stop -m
   * immediate}): its sessions end without a goodbye and new connections are refused until {@link
   * #startAgain}. Its files stay.
   */
  public void stopNow() throws IOException, InterruptedException {
    run(
        asUser,
        dir.resolve("pg_ctl.log"),
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-m",
        "immediate",
        "-w",
        "stop");
  }

  /**
   * Freezes the server (SIGSTOP to the postmaster and every process it started), as a partition or
   * a hung machine would: connections stay open and new ones are accepted by the kernel, but
   * nothing is answered until {@link #thaw}.
   */
  public void freeze() throws IOException, InterruptedException {
    signalAll("STOP");
  }

  /**
   * Lets a {@link #freeze frozen} server go on (SIGCONT): it answers what it was sent meanwhile.
   */
  public void thaw() throws IOException, InterruptedException {
    signalAll("CONT");
  }

  /**
   * Signals the postmaster first, then the processes it started: a stopped postmaster starts no
   * more, so none escapes the freeze. (Listing them first, a backend the postmaster started between
   * the listing and the signal, for a pool filling itself, stayed running and answered.)
   */
  private void signalAll(String signal) throws IOException, InterruptedException {
    long postmaster =
        Long.parseLong(Files.readAllLines(dir.resolve("data").resolve("postmaster.pid")).get(0));
    ProcessHandle server =
        ProcessHandle.of(postmaster)
            .orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    signal(server, signal);
    for (ProcessHandle p : server.descendants().toList()) {
      signal(p, signal);
    }
  }

  /** Sends {@code signal} to {@code p}; one that has ended meanwhile (a backend) needs none. */
  private static void signal(ProcessHandle p, String signal)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, "--", "" + p.pid())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (kill.waitFor() != 0 && p.isAlive()) {
      throw new IOException("kill -" + signal + " " + p.pid() + " failed");
    }
  }

  /** Starts the server again (after {@link #stopNow}) on the same port and files. */
  public void startAgain() throws IOException, InterruptedException {
    startServer();
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The JDBC URL of a database, for {@link #USER} with {@link #PASSWORD}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The URL opend1's {@code --catalog} takes for a database. */
  public String catalogUrl(String database) {
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
  }

  /** Creates an empty database. */
  public void createDatabase(String name) {
    admin("CREATE DATABASE " + name);
  }

  /** Drops a database, ending the sessions still connected to it. */
  public void dropDatabase(String name) {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void admin(String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server at once (nothing of it needs to survive) and removes its directory. */
  @Override
  public void close() throws IOException {
    try {
      run(
          asUser,
          dir.resolve("pg_ctl.log"),
          bin.resolve("pg_ctl").toString(),
          "-D",
          dir.resolve("data").toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL", e);
    } finally {
      delete(dir);
    }
  }

  /**
   * Where the server's programs are: {@code pg_config --bindir} when it points at {@code initdb},
   * else the newest {@code /usr/lib/postgresql/VERSION/bin} (Debian's layout).
   */
  static Path binDir() throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0 && Files.isExecutable(Path.of(out, "initdb"))) {
        return Path.of(out);
      }
    } catch (IOException e) {
      // No pg_config: look where Debian puts the server.
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparingInt(Postgres::majorVersion));
        if (newest.isPresent()) {
          return newest.get();
        }
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL server found (initdb): install Debian's postgresql package"
            + " (./run-tests does)");
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The user to run PostgreSQL as when this process is root, which initdb refuses to be. */
  private static Optional<String> unprivilegedUser() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    id.waitFor();
    if (!uid.equals("0")) {
      return Optional.empty();
    }
    Process pg = new ProcessBuilder("id", "-u", "postgres").start();
    pg.getInputStream().readAllBytes();
    return Optional.of(pg.waitFor() == 0 ? "postgres" : "nobody");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs a command to its end; a failure says what it printed. */
  private static void run(List<String> prefix, Path log, String... command)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(command));
    Files.deleteIfExists(log);
    Process p =
        new ProcessBuilder(all)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(log.getParent().toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no answer in 120 s");
    }
    if (p.exitValue() != 0) {
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Path server = log.resolveSibling("server.log");
      if (Files.exists(server)) {
        out += "\nserver.log:\n" + Files.readString(server, StandardCharsets.UTF_8);
      }
      throw new IOException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("remove " + dir, e);
    }
  }
}
