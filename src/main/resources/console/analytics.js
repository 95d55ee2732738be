// Reads opend1's analytics the way Cloudflare's dashboard does: POST /client/v4/graphql with the
// GraphQL Analytics datasets of D1 (docs/analytics.md), scoped to the signed-in account.
import { ApiError, session } from "./api.js";

/** The time ranges the console shows, each with the dimension its points are grouped by. */
export const RANGES = {
  hour: { label: "Hour", ms: 3600e3, dimension: "datetimeMinute", step: 60e3 },
  day: { label: "Day", ms: 86400e3, dimension: "datetimeHour", step: 3600e3 },
  week: { label: "Week", ms: 7 * 86400e3, dimension: "datetimeHour", step: 3600e3 },
  month: { label: "Month", ms: 30 * 86400e3, dimension: "date", step: 86400e3 },
};

/** Runs a GraphQL query; resolves to the first account's fields, rejects with the errors' text. */
export async function analytics(query, variables = {}) {
  let res;
  try {
    res = await fetch("/client/v4/graphql", {
      method: "POST",
      headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables: { account: session.account, ...variables } }),
    });
  } catch (e) {
    throw new ApiError(`Cannot reach the server: ${e.message}`);
  }
  const body = await res.json().catch(() => null);
  const messages = (body?.errors ?? []).map((e) => e.message);
  if (!res.ok || messages.length || !body?.data) {
    throw new ApiError(messages.join("; ") || `HTTP ${res.status}: no analytics in the answer`, res.status);
  }
  return body.data.viewer.accounts[0] ?? {};
}

/**
 * The start of every point of `range` ending now (UTC), as epoch milliseconds, oldest first:
 * the x axis, so minutes without queries show as zero rather than being skipped.
 */
export function timeline(range, now = Date.now()) {
  const { ms, step } = RANGES[range];
  const last = Math.floor(now / step) * step;
  const xs = [];
  for (let t = last - Math.ceil(ms / step - 1) * step; t <= last; t += step) xs.push(t);
  return xs;
}

/** A group's point in time, in epoch milliseconds, from its dimension (a Time or a Date). */
export function pointOf(group, dimension) {
  const v = group.dimensions[dimension];
  return Date.parse(dimension === "date" ? `${v}T00:00:00Z` : v);
}

/** The filter's start: the first point of the range, as GraphQL's Time. */
export function since(xs) {
  return new Date(xs[0]).toISOString();
}
