package dev.opend1.testing;

/**
 * The GraphQL queries wrangler sends to {@code /graphql}, as its sources write them
 * (packages/wrangler/src/d1/info.ts and insights.ts); their variables are {@code accountTag} and a
 * {@code filter} of the form {@code {AND: [{datetimeHour_geq, datetimeHour_leq, databaseId}]}}.
 */
public final class WranglerGraphql {

  private WranglerGraphql() {}

  /** {@code wrangler d1 info}: the last day's sums, by hour. */
  public static final String INFO =
      """
      query getD1MetricsOverviewQuery($accountTag: string, $filter: ZoneWorkersRequestsFilter_InputObject) {
        viewer {
          accounts(filter: {accountTag: $accountTag}) {
            d1AnalyticsAdaptiveGroups(limit: 10000, filter: $filter) {
              sum { readQueries writeQueries rowsRead rowsWritten }
              dimensions { datetimeHour }
            }
          }
        }
      }""";

  /**
   * {@code wrangler d1 insights}, with {@code LIMIT} and {@code ORDER} to replace: its {@code
   * --limit} and its order, such as {@code sum_queryDurationMs_DESC} (the default) or {@code
   * count_DESC}.
   */
  public static final String INSIGHTS =
      """
      query getD1QueriesOverviewQuery($accountTag: string, $filter: ZoneWorkersRequestsFilter_InputObject) {
        viewer {
          accounts(filter: {accountTag: $accountTag}) {
            d1QueriesAdaptiveGroups(limit: LIMIT, filter: $filter, orderBy: [ORDER]) {
              sum { queryDurationMs rowsRead rowsWritten rowsReturned }
              avg { queryDurationMs rowsRead rowsWritten rowsReturned }
              count
              dimensions { query }
            }
          }
        }
      }""";

  /** {@link #INSIGHTS} with its limit and order filled in. */
  public static String insights(int limit, String order) {
    return INSIGHTS.replace("LIMIT", String.valueOf(limit)).replace("ORDER", order);
  }
}
