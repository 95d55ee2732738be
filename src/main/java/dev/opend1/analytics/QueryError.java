package dev.opend1.analytics;

/**
 * A GraphQL query the schema accepts but opend1 cannot answer as asked (a filter field the dataset
 * lacks, an order on a dimension not selected, too many groups). It becomes an entry of the
 * answer's {@code errors}, with the path of the field that failed.
 */
final class QueryError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  QueryError(String message) {
    super(message, null, false, false);
  }
}
