// The tables tab: every table (columns, CREATE statement, row count, a "Browse rows" button that
// opens the row browser above the list), then every view, index and trigger with its statement.
// Viewed as of a past commit (asof.js), all of it is that commit's, and the open browser is made
// again for it.
import { db } from "./api.js";
import { h, errorBox, showError } from "./dom.js";
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

/** A card per view, index or trigger: its name, what it belongs to, and its statement. */
function objectCards(kind, objects) {
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
        ),
        o.type === "view" ? columnsTable(o.columns) : null,
        h("pre", { class: "schema" }, o.sql ?? "(created by a constraint)"),
      ),
    ),
  ];
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

  function browse(table) {
    browsing = table.name;
    browser.replaceChildren(rowBrowser(database, table, () => database.changed()));
    browser.scrollIntoView({ block: "start" });
  }

  async function load() {
    const path = `/${encodeURIComponent(database.id)}/query`;
    const schema = await loadSchema(database.id);
    const tables = schema.tables;
    const open = tables.find((t) => t.name === browsing);
    if (browsing && !open) {
      browsing = null;
      browser.replaceChildren();
    } else if (open && stale) {
      browser.replaceChildren(rowBrowser(database, open, () => database.changed()));
    }
    stale = false;
    // One request for every table's row count.
    const counts = tables.length ? await db("POST", path, { body: { batch: tables.map((t) => ({ sql: `SELECT count(*) AS n FROM ${quote(t.name)}` })) } }) : [];
    list.replaceChildren(
      h("h2", { class: "kind" }, `Tables (${tables.length})`),
      ...(tables.length ? [] : [h("p", { class: "muted" }, "No tables yet.")]),
      ...tables.map((t, i) => {
        const count = counts[i].results[0].n;
        return h(
          "details",
          { class: "card table", "data-table": t.name },
          h(
            "summary",
            {},
            h("strong", {}, t.name),
            " ",
            h("span", { class: "muted rows" }, `${count} ${count === 1 ? "row" : "rows"}`),
            " ",
            h("span", { class: "muted" }, t.columns.map((c) => c.name).join(", ")),
            " ",
            h(
              "button",
              // A table whose rowid names are all taken by columns has no key to page by.
              { type: "button", class: "small browse", disabled: keyOf(t).names.length === 0, onclick: (e) => (e.preventDefault(), browse(t)) },
              "Browse rows",
            ),
          ),
          columnsTable(t.columns),
          h("pre", { class: "schema" }, t.sql),
        );
      }),
      ...objectCards("Views", schema.views),
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
