// One statement's result in the SQL tab: its meta line, a grid of at most 1,000 rows at first with
// a sticky header, "Load more" for the next 1,000, and copy/download of the rows shown as CSV or
// JSON. Where the rows come from is the caller's: `fetchMore(offset)` reads more from the server
// (a plain SELECT run again in pieces), else every row is already here and only shown in pieces.
import { h, errorBox, busy } from "./dom.js";
import { cell } from "./cells.js";
import { toCsv, toJson } from "./resultfiles.js";

/** Rows shown at first, and added by each "Load more". */
export const CAP = 1000;

function metaText(i, count, shown, more, m = {}) {
  const parts = [
    `Statement ${i + 1} of ${count}`,
    `${shown} ${shown === 1 ? "row" : "rows"}`,
    `${Number(m.duration ?? 0).toFixed(2)} ms`,
    `${m.rows_read ?? 0} rows read`,
    `${m.rows_written ?? 0} rows written`,
  ];
  if (m.changes) parts.push(`${m.changes} changed`);
  if (more) parts.push("more to load");
  return parts.join(" · ");
}

/** Offers `text` as a file download (it is in memory already: the rows shown). */
function save(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The view of statement `i` of `count`: `result` is D1's raw result {results: {columns, rows},
 * meta}; with `fetchMore`, rows beyond the first CAP + 1 are read by `fetchMore(offset)` (resolving
 * to up to CAP + 1 rows).
 */
export function resultView(i, count, result, fetchMore) {
  const columns = result.results?.columns ?? [];
  const received = result.results?.rows ?? [];
  const rows = fetchMore ? received.slice(0, CAP) : received;
  let exhausted = !fetchMore || received.length <= CAP;
  let shown = 0;
  const meta = h("p", { class: "meta" });
  if (columns.length === 0) {
    meta.textContent = metaText(i, count, 0, false, result.meta);
    return h("div", { class: "result" }, meta);
  }
  const body = h("tbody");
  const more = h("button", { type: "button", class: "small load-more" }, `Load ${CAP} more rows`);
  const errors = errorBox();
  const slice = () => [columns, rows.slice(0, shown)];

  /** Shows rows up to `n` (appending, so earlier rows keep their place). */
  function showTo(n) {
    body.append(...rows.slice(shown, n).map((row) => h("tr", {}, row.map(cell))));
    shown = n;
    const pending = shown < rows.length || !exhausted;
    more.hidden = !pending;
    meta.textContent = metaText(i, count, shown, pending, result.meta);
  }

  more.addEventListener("click", () =>
    busy(more, errors, async () => {
      if (shown >= rows.length) {
        const next = await fetchMore(rows.length);
        rows.push(...next.slice(0, CAP));
        exhausted = next.length <= CAP;
      }
      showTo(Math.min(shown + CAP, rows.length));
    }),
  );

  const copy = (format) => () => navigator.clipboard.writeText(format === "csv" ? toCsv(...slice()) : toJson(...slice()));
  const tools = h(
    "div",
    { class: "row result-tools" },
    h("button", { type: "button", class: "small secondary copy-csv", onclick: copy("csv") }, "Copy CSV"),
    h("button", { type: "button", class: "small secondary copy-json", onclick: copy("json") }, "Copy JSON"),
    h("button", { type: "button", class: "small secondary download-csv", onclick: () => save(toCsv(...slice()), "result.csv", "text/csv") }, "Download CSV"),
    h("button", { type: "button", class: "small secondary download-json", onclick: () => save(toJson(...slice()), "result.json", "application/json") }, "Download JSON"),
    h("span", { class: "muted" }, "of the rows shown"),
  );
  const grid = h(
    "div",
    { class: "scroll" },
    h("table", { class: "grid results" }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))), body),
  );
  showTo(Math.min(CAP, rows.length));
  return h("div", { class: "result" }, meta, tools, grid, more, errors);
}
