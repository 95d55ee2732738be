package dev.opend1;

import dev.opend1.config.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data-dir} option of the command-line tools, with the same fallbacks as {@code
 * serve}: the flag, then {@code OPEND1_DATA_DIR}, then {@code ./data}.
 */
final class DataDirOption {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: $OPEND1_DATA_DIR, else ./data).")
  Path dataDir;

  Path resolve() {
    if (dataDir != null) {
      return dataDir;
    }
    String env = System.getenv(Settings.DATA_DIR.envVar());
    return Path.of(env != null ? env : Settings.DATA_DIR.defaultValue());
  }
}
