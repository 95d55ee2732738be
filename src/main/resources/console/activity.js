// Each database's queries over the last day, hour by hour, for the database list's sparklines:
// one GraphQL request for the whole account.
import { analytics, timeline, pointOf, since } from "./analytics.js";

const QUERY = `query Activity($account: string!, $since: Time!) {
  viewer { accounts(filter: {accountTag: $account}) {
    d1AnalyticsAdaptiveGroups(limit: 10000, filter: {datetime_geq: $since}, orderBy: [datetimeHour_ASC]) {
      dimensions { databaseId datetimeHour }
      sum { readQueries writeQueries }
    }
  } }
}`;

/** A function from a database's uuid to its 24 hourly query counts (zeros when it had none). */
export async function dailyActivity() {
  const xs = timeline("day");
  const r = await analytics(QUERY, { since: since(xs) });
  const slot = new Map(xs.map((x, i) => [x, i]));
  const byDatabase = new Map();
  for (const g of r.d1AnalyticsAdaptiveGroups) {
    const id = g.dimensions.databaseId;
    if (!byDatabase.has(id)) byDatabase.set(id, new Array(xs.length).fill(0));
    const i = slot.get(pointOf(g, "datetimeHour"));
    if (i !== undefined) byDatabase.get(id)[i] += g.sum.readQueries + g.sum.writeQueries;
  }
  return (uuid) => byDatabase.get(uuid) ?? new Array(xs.length).fill(0);
}
