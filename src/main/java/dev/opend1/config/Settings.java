package dev.opend1.config;

import java.util.List;

/**
 * Every setting opend1 has, in the order {@code serve --help} and the README list them. Adding a
 * setting here adds its flag, its environment variable and its config-file key at once; a test
 * keeps the README table in agreement with this list.
 */
public final class Settings {

  public static final Setting HOST =
      new Setting("host", "HOST", "127.0.0.1", "Address to listen on.");
  public static final Setting PORT =
      new Setting("port", "N", "8787", "TCP port to listen on (0 picks a free one).");
  public static final Setting DATA_DIR =
      new Setting("data-dir", "DIR", "./data", "Directory holding the catalog and every database.");
  public static final Setting CONFIG =
      new Setting(
          "config",
          "FILE",
          null,
          "Optional config file of `name = value` lines (keys are the flag names).");
  public static final Setting REGION =
      new Setting(
          "region",
          "REGION",
          "WNAM",
          "Region reported for databases created without a location hint (WNAM, ENAM, WEUR, EEUR,"
              + " APAC, OC).");
  public static final Setting ACCOUNT_ID =
      new Setting(
          "account-id",
          "ID",
          null,
          "Account (32 lowercase hex) to make sure exists at every start; pairs with api-token.");
  public static final Setting API_TOKEN =
      new Setting(
          "api-token",
          "TOKEN",
          null,
          "API token with full D1 rights to make sure exists at every start; never printed.");
  public static final Setting MAX_DATABASES =
      new Setting(
          "max-databases-per-account",
          "N",
          "50000",
          "Databases one account may hold (D1: 50,000).");
  public static final Setting MAX_BODY_BYTES =
      new Setting(
          "max-body-bytes",
          "BYTES",
          "100000000",
          "Largest request body accepted; larger ones get 413 before they are read in full.");

  /** All settings, in help order. */
  public static final List<Setting> ALL =
      List.of(
          HOST,
          PORT,
          DATA_DIR,
          CONFIG,
          REGION,
          ACCOUNT_ID,
          API_TOKEN,
          MAX_DATABASES,
          MAX_BODY_BYTES);

  private Settings() {}
}
