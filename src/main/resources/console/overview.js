// The overview tab: a database's queries, rows, latency and storage over the last hour, day, week
// or month, from the GraphQL Analytics datasets in one request per range, drawn with uPlot.
import { analytics, RANGES, timeline, pointOf, since } from "./analytics.js";
import { timeChart } from "./charts.js";
import { h, errorBox, bytes } from "./dom.js";
import { rangePicker } from "./ranges.js";

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
  const errors = errorBox();
  const charts = h("div", { class: "charts", id: "overview-charts" });
  const ranges = rangePicker("hour", errors, async (range) => {
    const { dimension } = RANGES[range];
    const xs = timeline(range);
    const r = await analytics(overviewQuery(dimension), { db: database.id, since: since(xs) });
    return () => {
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
    };
  });

  return {
    element: h(
      "div",
      { class: "panel", id: "overview" },
      ranges.element,
      errors,
      charts,
    ),
    shown: () => ranges.load(),
  };
}
