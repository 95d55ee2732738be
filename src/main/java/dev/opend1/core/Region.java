package dev.opend1.core;

import java.util.Locale;
import java.util.Optional;

/** D1's location hints; requests use lowercase names, responses uppercase ones. */
public enum Region {
  WNAM,
  ENAM,
  WEUR,
  EEUR,
  APAC,
  OC;

  /** The region for a location hint as D1 spells it in requests ({@code weur}). */
  public static Optional<Region> fromHint(String hint) {
    for (Region r : values()) {
      if (r.hint().equals(hint)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The region for its response spelling, case-insensitively ({@code WEUR} or {@code weur}). */
  public static Optional<Region> fromName(String name) {
    return name == null ? Optional.empty() : fromHint(name.toLowerCase(Locale.ROOT));
  }

  /** The lowercase request spelling. */
  public String hint() {
    return name().toLowerCase(Locale.ROOT);
  }
}
