// The overview tab: a database's queries, rows, latency and storage over the last hour, day, week
// or month, from the GraphQL Analytics datasets in one request per range, drawn with uPlot.
import { analytics, RANGES, timeline, pointOf, since } from "./analytics.js";
import { timeChart } from "./charts.js";
import { h, errorBox, showError, bytes } from "./dom.js";

/** One query for the whole chart set: the batches' figures and the storage, by `dimension`. */
function overviewQuery(dimension) {
  return `query Overview($account: string!, $db: string!, $since: Time!) {
  viewer { accounts(filter: {accountTag: $account}) {
    batches: d1AnalyticsAdaptiveGroups(limit: 10000, filter: {databaseId: $db, datetime_geq: $since}, orderBy: [${dimension}_ASC]) {
      dimensions { ${dimension} }
      sum { readQueries writeQueries rowsRead rowsWritten }
      quantiles { queryBatchTimeMsP50 queryBatchTimeMsP90 }
    }
    storage: d1StorageAdaptiveGroups(limit: 10000, filter: {databaseId: $db, datetime_geq: $since}, orderBy: [${dimension}_ASC]) {
      dimensions { ${dimension} }
      max { databaseSizeBytes }
    }
  } }
}`;
}

/** `groups` laid on the x axis `xs`: one array per metric, `empty` where a point has no group. */
function columns(xs, groups, dimension, metrics, empty) {
  const at = new Map(groups.map((g) => [pointOf(g, dimension), g]));
  return Object.fromEntries(
    Object.entries(metrics).map(([name, read]) => [name, xs.map((x) => (at.has(x) ? read(at.get(x)) : empty))]),
  );
}

const ms = (v) => `${Number(v.toPrecision(3))} ms`;
const count = (v) => (Math.abs(v) >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toFixed(2))));

export function overviewPanel(database) {
  let range = "hour";
  const errors = errorBox();
  const charts = h("div", { class: "charts", id: "overview-charts" });
  const buttons = Object.entries(RANGES).map(([key, r]) =>
    h("button", { type: "button", class: "small range", "data-range": key, "aria-pressed": "false" }, r.label),
  );
  for (const b of buttons) b.addEventListener("click", () => load(b.dataset.range));

  /** The request in flight; an older answer arriving late is dropped. */
  let latest = 0;

  async function load(next = range) {
    range = next;
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.range === range));
    const ticket = ++latest;
    const { dimension } = RANGES[range];
    const xs = timeline(range);
    try {
      const r = await analytics(overviewQuery(dimension), { db: database.id, since: since(xs) });
      if (ticket !== latest) return;
      const q = columns(xs, r.batches, dimension, {
        read: (g) => g.sum.readQueries,
        write: (g) => g.sum.writeQueries,
        rowsRead: (g) => g.sum.rowsRead,
        rowsWritten: (g) => g.sum.rowsWritten,
      }, 0);
      const lat = columns(xs, r.batches, dimension, {
        p50: (g) => g.quantiles.queryBatchTimeMsP50,
        p90: (g) => g.quantiles.queryBatchTimeMsP90,
      }, null);
      const size = columns(xs, r.storage, dimension, { max: (g) => g.max.databaseSizeBytes }, null);
      charts.replaceChildren(
        timeChart({ key: "queries", title: "Queries", xs, format: count, series: [
          { label: "Read queries", values: q.read },
          { label: "Write queries", values: q.write },
        ] }),
        timeChart({ key: "rows", title: "Rows", xs, format: count, series: [
          { label: "Rows read", values: q.rowsRead },
          { label: "Rows written", values: q.rowsWritten },
        ] }),
        timeChart({ key: "latency", title: "Query batch latency", xs, format: ms, series: [
          { label: "p50", values: lat.p50, sparse: true },
          { label: "p90", values: lat.p90, sparse: true },
        ] }),
        timeChart({ key: "storage", title: "Storage", xs, format: bytes, series: [{ label: "Database size", values: size.max, sparse: true }] }),
      );
      charts.dataset.range = range;
      showError(errors, null);
    } catch (e) {
      if (ticket === latest) showError(errors, e);
    }
  }

  return {
    element: h(
      "div",
      { class: "panel", id: "overview" },
      h("div", { class: "row ranges", role: "group", "aria-label": "Time range" }, h("span", { class: "muted" }, "Last"), ...buttons),
      errors,
      charts,
    ),
    shown: () => load(),
  };
}
