package dev.opend1.analytics;

import dev.opend1.core.AccountId;
import java.util.Map;

/** What the HTTP edge asks of the analytics: answers to GraphQL queries. */
public interface AnalyticsReader {

  /**
   * Moves the figures counted in this node's memory to the store now, so that the other nodes of a
   * cluster, which read the same store, include them in their answers.
   */
  void flushNow();

  /**
   * Runs a GraphQL query for {@code caller}'s account and returns its answer in GraphQL's JSON form
   * ({@code data}, and {@code errors} when there are any): a query the schema refuses, or one that
   * names another account, is answered with errors, never thrown.
   */
  Map<String, Object> graphql(
      AccountId caller, String query, String operationName, Map<String, Object> variables);
}
