package dev.opend1.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real S3 API server for the tests: s3proxy ({@code target/s3proxy.jar}, fetched by the build)
 * with its filesystem backend, as a separate process on loopback, so its Jetty never meets
 * Javalin's. A bucket is a directory under {@link #baseDir}; an object is a file in it.
 */
public final class S3Proxy implements AutoCloseable {

  public static final String IDENTITY = "opend1-test-identity";
  public static final String CREDENTIAL = "opend1-test-credential";
  public static final String BUCKET = "opend1-backups";

  private final Path baseDir;
  private final int port;
  private final Path log;
  private final boolean checkSignatures;
  private Process process;

  private S3Proxy(Path baseDir, int port, boolean checkSignatures) {
    this.baseDir = baseDir;
    this.port = port;
    this.checkSignatures = checkSignatures;
    this.log = baseDir.resolveSibling(baseDir.getFileName() + ".log");
  }

  /** Starts s3proxy on a free loopback port over {@code baseDir}, with {@link #BUCKET} made. */
  public static S3Proxy start(Path baseDir) throws IOException, InterruptedException {
    return start(baseDir, true);
  }

  /**
   * As {@link #start(Path)}; without {@code checkSignatures}, requests are not authenticated, so a
   * relay may change a signed header (strip {@code If-None-Match}) and s3proxy still takes them.
   */
  public static S3Proxy start(Path baseDir, boolean checkSignatures)
      throws IOException, InterruptedException {
    Files.createDirectories(baseDir.resolve(BUCKET));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    S3Proxy p = new S3Proxy(baseDir, port, checkSignatures);
    p.startProcess();
    return p;
  }

  /** Starts it again (after {@link #stop}) on the same port and directory. */
  public void startProcess() throws IOException, InterruptedException {
    Path props = baseDir.resolveSibling(baseDir.getFileName() + ".properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=" + (checkSignatures ? "aws-v2-or-v4" : "none"),
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + baseDir,
            ""),
        StandardCharsets.UTF_8);
    Path jar = Path.of("target", "s3proxy.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: the build fetches it (mvn test-compile)");
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                props.toString()));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    // As long as a node may take to start (ServerProcess): a JVM on a loaded machine starts slowly.
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited:\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(
        "s3proxy did not listen within 180 s:\n" + Files.readString(log));
  }

  /** Stops it (the store becomes unreachable); its objects stay in {@link #baseDir}. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
      process = null;
    }
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Where bucket directories live. */
  public Path baseDir() {
    return baseDir;
  }

  /** The bucket's directory: objects are files under it, by name. */
  public Path bucketDir() {
    return baseDir.resolve(BUCKET);
  }

  /** The environment a process needs to reach it (credentials for the SDK's chain). */
  public Map<String, String> env() {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        IDENTITY,
        "AWS_SECRET_ACCESS_KEY",
        CREDENTIAL,
        "AWS_REGION",
        "us-east-1");
  }

  /** Sets the same credentials as system properties, for a server in this JVM. */
  public void useInThisJvm() {
    System.setProperty("aws.accessKeyId", IDENTITY);
    System.setProperty("aws.secretAccessKey", CREDENTIAL);
  }

  /** The {@code serve} flags that ship to {@code s3://BUCKET/prefix} here. */
  public List<String> flags(String prefix, String durability) {
    return List.of(
        "--object-store",
        "s3://" + BUCKET + "/" + prefix,
        "--object-store-endpoint",
        endpoint(),
        "--object-store-durability",
        durability);
  }

  /** The server settings that ship to {@code s3://BUCKET/prefix} here. */
  public Map<String, String> settings(String prefix, String durability) {
    return Map.of(
        "object-store",
        "s3://" + BUCKET + "/" + prefix,
        "object-store-endpoint",
        endpoint(),
        "object-store-durability",
        durability);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      process = null;
    }
  }
}
