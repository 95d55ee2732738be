// The tables tab: every table (columns, CREATE statement, row count, a "Browse rows" button that
// opens the row browser above the list), then every view (browsable too, read-only), index and
// trigger with its statement. Row counts are bounded (COUNTED_UP_TO), so showing the tab never
// scans a large table; "Count" counts one on demand. Viewed as of a past commit (asof.js), all of
// it is that commit's, and the open browser is made again for it.
import { db } from "./api.js";
import { h, errorBox, showError, busy } from "./dom.js";
import { loadSchema } from "./schema.js";
import { quote, keyOf } from "./keyset.js";
import { rowBrowser } from "./browse.js";

function columnsTable(columns) {
  return h(
    "table",
    { class: "grid" },
    h("thead", {}, h("tr", {}, ["Column", "Type", "Not null", "Primary key"].map((x) => h("th", {}, x)))),
    h(
      "tbody",
      {},
      columns.map((c) =>
        h("tr", {}, h("td", {}, c.name), h("td", {}, c.type), h("td", {}, c.notnull ? "yes" : ""), h("td", {}, c.pk ? "yes" : "")),
      ),
    ),
  );
}

/** The most rows counted per table when the tab is shown; past it the count is on demand. */
const COUNTED_UP_TO = 10_000;

const rowsText = (n) => `${n.toLocaleString("en")} ${n === 1 ? "row" : "rows"}`;

/** A table's row count, counted up to COUNTED_UP_TO rows (`n` is one more when there are more). */
function rowCount(path, table, n, errors) {
  const shown = h("span", { class: "muted rows" }, n > COUNTED_UP_TO ? `more than ${rowsText(COUNTED_UP_TO)}` : rowsText(n));
  if (n <= COUNTED_UP_TO) return shown;
  const count = h("button", { type: "button", class: "small count" }, "Count");
  count.addEventListener("click", (e) => {
    e.preventDefault();
    busy(count, errors, async () => {
      const [out] = await db("POST", path, { body: { sql: `SELECT count(*) AS n FROM ${quote(table.name)}` } });
      shown.textContent = rowsText(out.results[0].n);
      count.remove();
    });
  });
  return h("span", {}, shown, " ", count);
}

/**
 * A card per view, index or trigger: its name, what it belongs to, and its statement; a view's
 * has its columns and `browse` (a "Browse rows" button).
 */
function objectCards(kind, objects, browse) {
  if (objects.length === 0) return [];
  return [
    h("h2", { class: "kind" }, `${kind} (${objects.length})`),
    ...objects.map((o) =>
      h(
        "details",
        { class: "card table", "data-object": o.name, "data-type": o.type },
        h(
          "summary",
          {},
          h("strong", {}, o.name),
          " ",
          h("span", { class: "muted" }, o.type === "view" ? o.columns.map((c) => c.name).join(", ") : `on ${o.tbl_name}`),
          o.type === "view" ? [" ", browseButton(o, browse)] : null,
        ),
        o.type === "view" ? columnsTable(o.columns) : null,
        h("pre", { class: "schema" }, o.sql ?? "(created by a constraint)"),
      ),
    ),
  ];
}

function browseButton(tableOrView, browse) {
  return h("button", { type: "button", class: "small browse", onclick: (e) => (e.preventDefault(), browse(tableOrView)) }, "Browse rows");
}

export function tablesPanel(database) {
  const list = h("div", { id: "tables" });
  const browser = h("div", { id: "browser" });
  const errors = errorBox();
  const panel = {
    element: h("div", { class: "panel" }, errors, browser, list),
    shown,
    asOfChanged: () => (stale = true),
  };
  /** The table whose rows are open, kept while the tab is reloaded. */
  let browsing = null;
  /** Whether the open browser shows another state than the one viewed now. */
  let stale = false;

  function browseRows(table) {
    browsing = table.name;
    browser.replaceChildren(rowBrowser(database, table, () => database.changed()));
    browser.scrollIntoView({ block: "start" });
  }

  async function load() {
    const path = `/${encodeURIComponent(database.id)}/query`;
    const schema = await loadSchema(database.id);
    const tables = schema.tables;
    const open = [...tables, ...schema.views].find((t) => t.name === browsing);
    if (browsing && !open) {
      browsing = null;
      browser.replaceChildren();
    } else if (open && stale) {
      browser.replaceChildren(rowBrowser(database, open, () => database.changed()));
    }
    stale = false;
    // One request for every table's row count, each counted up to one row past the bound.
    const bounded = (t) => `SELECT count(*) AS n FROM (SELECT 1 FROM ${quote(t.name)} LIMIT ${COUNTED_UP_TO + 1})`;
    const counts = tables.length ? await db("POST", path, { body: { batch: tables.map((t) => ({ sql: bounded(t) })) } }) : [];
    list.replaceChildren(
      h("h2", { class: "kind" }, `Tables (${tables.length})`),
      ...(tables.length ? [] : [h("p", { class: "muted" }, "No tables yet.")]),
      ...tables.map((t, i) => {
        const browse = browseButton(t, browseRows);
        // A table whose rowid names are all taken by columns has no key to page by.
        browse.disabled = keyOf(t).names.length === 0;
        return h(
          "details",
          { class: "card table", "data-table": t.name },
          h(
            "summary",
            {},
            h("strong", {}, t.name),
            " ",
            rowCount(path, t, counts[i].results[0].n, errors),
            " ",
            h("span", { class: "muted" }, t.columns.map((c) => c.name).join(", ")),
            " ",
            browse,
          ),
          columnsTable(t.columns),
          h("pre", { class: "schema" }, t.sql),
        );
      }),
      ...objectCards("Views", schema.views, browseRows),
      ...objectCards("Indexes", schema.indexes),
      ...objectCards("Triggers", schema.triggers),
    );
  }

  /** Loads afresh each time the tab is shown: other clients may have changed the database. */
  function shown() {
    load().then(
      () => showError(errors, null),
      (e) => showError(errors, e),
    );
  }
  return panel;
}
