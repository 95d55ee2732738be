package dev.opend1.catalog;

/**
 * A token just created, with its secret. The secret exists only here, on its way to being printed
 * once; the catalog keeps its hash.
 */
public record IssuedToken(ApiToken token, String secret) {
  @Override
  public String toString() {
    return "IssuedToken[" + token + ", secret=<hidden>]";
  }
}
