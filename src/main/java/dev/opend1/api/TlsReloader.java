package dev.opend1.api;

import dev.opend1.config.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.Scanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a renewed certificate and key in service without a restart: Jetty's {@link Scanner} (as its
 * {@code KeyStoreScanner} does for key stores) watches the directories of {@code --tls-cert} and
 * {@code --tls-key} every second, and once a change has settled, the PEM files are read again and
 * handed to the running {@link SslContextFactory}; connections made from then on get the new
 * certificate. The directories are watched rather than the files, so a renewal that points a
 * symbolic link at new files (certbot's {@code live/}) is seen too.
 *
 * <p>A pair that cannot be used (half written, a key that does not fit the certificate) is logged
 * and the pair in service is kept; a later change that completes it is picked up.
 */
final class TlsReloader implements Scanner.BulkListener {

  private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

  private final TlsFiles files;
  private final SslContextFactory.Server ssl;

  /** The SHA-256 of the pair in service: unrelated changes in the directories reload nothing. */
  private byte[] inService;

  private TlsReloader(TlsFiles files, SslContextFactory.Server ssl) {
    this.files = files;
    this.ssl = ssl;
    this.inService = fingerprint();
  }

  /** A scanner, to be started with the server, that reloads {@code ssl} from {@code files}. */
  static Scanner watch(TlsFiles files, SslContextFactory.Server ssl) {
    Scanner scanner = new Scanner();
    scanner.setScanInterval(1);
    scanner.setReportExistingFilesOnStartup(false);
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : new Path[] {files.certificate(), files.privateKey()}) {
      dirs.add(f.toAbsolutePath().getParent());
    }
    scanner.setScanDirs(dirs.stream().toList());
    scanner.setScanDepth(1);
    scanner.addListener(new TlsReloader(files, ssl));
    return scanner;
  }

  @Override
  public void pathsChanged(Map<Path, Scanner.Notification> changed) {
    reload();
  }

  /** Reads the pair again and puts it in service if it changed and can be used. */
  void reload() {
    byte[] now = fingerprint();
    if (now == null || Arrays.equals(now, inService)) {
      return;
    }
    try {
      KeyStore keys = PemKeyStore.load(files);
      ssl.reload(f -> f.setKeyStore(keys));
      inService = now;
      LOG.info("TLS certificate {} reloaded", files.certificate());
    } catch (Exception e) {
      LOG.warn(
          "TLS files changed but cannot be used yet; the certificate in service stays: {}",
          e.getMessage());
    }
  }

  /** The SHA-256 of both files' bytes, or null when one cannot be read now. */
  private byte[] fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(files.certificate()));
      sha.update(Files.readAllBytes(files.privateKey()));
      return sha.digest();
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
