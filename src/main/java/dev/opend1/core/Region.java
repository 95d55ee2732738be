package dev.opend1.core;

import java.util.List;
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

  /**
   * The region a database with a {@code jurisdiction} lives in: the preferred region (the server's
   * default) when it lies inside the jurisdiction, else the jurisdiction's first region. D1 ignores
   * {@code primary_location_hint} when a jurisdiction is given ("If a jurisdiction is set, the
   * location hint is ignored", https://developers.cloudflare.com/d1/configuration/data-location/;
   * Cloudflare's OpenAPI schema for d1-create-database). {@code eu} is the European Union's
   * regions; {@code us} and {@code fedramp} are the United States'.
   */
  public static Region forJurisdiction(String jurisdiction, Region preferred) {
    List<Region> inside =
        switch (jurisdiction) {
          case "eu" -> List.of(WEUR, EEUR);
          case "us", "fedramp" -> List.of(WNAM, ENAM);
          default -> throw new IllegalArgumentException("unknown jurisdiction " + jurisdiction);
        };
    return inside.contains(preferred) ? preferred : inside.get(0);
  }
}
