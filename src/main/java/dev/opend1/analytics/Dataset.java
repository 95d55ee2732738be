package dev.opend1.analytics;

/** The three datasets of D1's GraphQL analytics that opend1 answers. */
enum Dataset {
  /** Per database: query counts, rows, batch latency and response size. */
  ANALYTICS("d1AnalyticsAdaptiveGroups"),
  /** Per statement shape: runs, time and rows. */
  QUERIES("d1QueriesAdaptiveGroups"),
  /** Per database: the largest size reported. */
  STORAGE("d1StorageAdaptiveGroups");

  /** Its field on {@code account}. */
  final String field;

  Dataset(String field) {
    this.field = field;
  }

  /** The name of its filter's input type in the schema. */
  String filterType() {
    return "Account"
        + Character.toUpperCase(field.charAt(0))
        + field.substring(1)
        + "Filter_InputObject";
  }
}
