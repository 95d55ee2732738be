// The insights tab: the database's statement shapes (literals replaced by ?) over a range, top by
// total time, by rows read and by count, from d1QueriesAdaptiveGroups in one request; clicking
// one runs EXPLAIN QUERY PLAN on it and shows the plan as a tree.
import { db } from "./api.js";
import { analytics, timeline, since } from "./analytics.js";
import { rangePicker } from "./ranges.js";
import { h, errorBox, busy } from "./dom.js";

/** How many shapes each list shows. */
const TOP = 10;

const LISTS = [
  ["time", "By total time", "sum_queryDurationMs_DESC"],
  ["rows", "By rows read", "sum_rowsRead_DESC"],
  ["count", "By count", "count_DESC"],
];

const QUERY = `query Insights($account: string!, $db: string!, $since: Time!) {
  viewer { accounts(filter: {accountTag: $account}) {
${LISTS.map(
  ([key, , order]) => `    ${key}: d1QueriesAdaptiveGroups(limit: ${TOP}, filter: {databaseId: $db, datetime_geq: $since}, orderBy: [${order}]) {
      count
      dimensions { query }
      sum { queryDurationMs rowsRead rowsWritten }
      avg { queryDurationMs }
      quantiles { queryDurationMsP90 }
    }`,
).join("\n")}
  } }
}`;

/**
 * How many values a statement binds, by SQLite's rules: `?` takes the next index, `?N` index N,
 * and each distinct `:name`, `@name` or `$name` the next one. Quoted identifiers are skipped
 * (a shape has no string literals left, and no comments).
 */
export function parameterCount(sql) {
  let count = 0;
  const names = new Set();
  const pattern = /"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|\?(\d*)|[:@$]([A-Za-z_][\w$]*)/g;
  for (const m of sql.matchAll(pattern)) {
    if (m[0].startsWith("?")) count = m[1] ? Math.max(count, Number(m[1])) : count + 1;
    else if (m[2] !== undefined && !names.has(m[0])) {
      names.add(m[0]);
      count++;
    }
  }
  return count;
}

/** EXPLAIN QUERY PLAN's rows (id, parent, detail) as indented lines. */
function planText(rows) {
  const depth = new Map([[0, -1]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d)}${d ? "└─ " : ""}${r.detail}`;
    })
    .join("\n");
}

const ms = (v) => `${Number(v.toFixed(v < 10 ? 2 : 1))} ms`;

export function insightsPanel(database) {
  const errors = errorBox();
  errors.id = "insights-error";
  const lists = h("div", { id: "insights-lists" });
  const planOf = h("code", { id: "plan-query" });
  const plan = h("pre", { id: "query-plan", class: "schema" });
  const planCard = h("div", { class: "card", hidden: true }, h("h2", {}, "Query plan"), h("p", {}, planOf), plan);

  async function explain(sql, button) {
    await busy(button, errors, async () => {
      const params = new Array(parameterCount(sql)).fill(null);
      const [r] = await db("POST", `/${encodeURIComponent(database.id)}/query`, {
        body: { sql: `EXPLAIN QUERY PLAN ${sql}`, params },
      });
      planOf.textContent = sql;
      plan.textContent = planText(r.results);
      planCard.hidden = false;
      planCard.scrollIntoView({ block: "nearest" });
    });
  }

  function table(key, title, groups) {
    const rows = groups.map((g) => {
      const open = h("button", { type: "button", class: "link mono", title: "Show its query plan" }, g.dimensions.query);
      open.addEventListener("click", () => explain(g.dimensions.query, open));
      return h(
        "tr",
        {},
        h("td", { class: "query" }, open),
        h("td", { class: "num" }, String(g.count)),
        h("td", { class: "num" }, ms(g.sum.queryDurationMs)),
        h("td", { class: "num wide" }, ms(g.avg.queryDurationMs)),
        h("td", { class: "num wide" }, ms(g.quantiles.queryDurationMsP90)),
        h("td", { class: "num" }, String(g.sum.rowsRead)),
        h("td", { class: "num wide" }, String(g.sum.rowsWritten)),
      );
    });
    const head = ["Query", "Count", "Total time", "Avg", "p90", "Rows read", "Rows written"];
    return h(
      "div",
      { class: "card", "data-list": key },
      h("h2", {}, title),
      rows.length
        ? h(
            "div",
            { class: "scroll" },
            h(
              "table",
              { class: "grid insights" },
              h("thead", {}, h("tr", {}, head.map((t, i) => h("th", { class: [3, 4, 6].includes(i) ? "wide" : undefined }, t)))),
              h("tbody", {}, rows),
            ),
          )
        : h("p", { class: "muted" }, "No queries in this range."),
    );
  }

  const ranges = rangePicker("day", errors, async (range) => {
    const r = await analytics(QUERY, { db: database.id, since: since(timeline(range)) });
    return () => {
      lists.replaceChildren(...LISTS.map(([key, title]) => table(key, title, r[key])));
      lists.dataset.range = range;
    };
  });

  return {
    element: h(
      "div",
      { class: "panel", id: "insights" },
      ranges.element,
      errors,
      planCard,
      lists,
    ),
    shown: () => ranges.load(),
  };
}
