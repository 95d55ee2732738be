package dev.opend1.config;

import java.util.Locale;

/**
 * One configuration setting. Its name is its command-line flag without the dashes ({@code data-dir}
 * is {@code --data-dir}); the environment variable is derived by the one naming rule: {@code
 * OPEND1_} + the name uppercased with {@code -} as {@code _} ({@code OPEND1_DATA_DIR}). A config
 * file uses the name as its key.
 *
 * @param name the flag name without dashes
 * @param label the placeholder shown in help ({@code DIR}, {@code N})
 * @param defaultValue the default, or null when the setting has none
 * @param description one line for {@code --help} and the table in {@code docs/configuration.md}
 */
public record Setting(String name, String label, String defaultValue, String description) {

  /** The command-line flag, e.g. {@code --data-dir}. */
  public String flag() {
    return "--" + name;
  }

  /** The environment variable, e.g. {@code OPEND1_DATA_DIR}. */
  public String envVar() {
    return "OPEND1_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
