// The tables tab: every table of the database with its columns, CREATE statement and row count.
import { db } from "./api.js";
import { h, errorBox, showError } from "./dom.js";

/** Table names as a SQL identifier. */
const quote = (name) => `"${name.replaceAll('"', '""')}"`;

export function tablesPanel(database) {
  const list = h("div", { id: "tables" });
  const errors = errorBox();
  const panel = { element: h("div", { class: "panel" }, errors, list), shown };

  async function load() {
    const path = `/${encodeURIComponent(database.id)}/query`;
    const [tables] = await db("POST", path, {
      body: {
        sql:
          "SELECT name, sql FROM sqlite_schema WHERE type = 'table' " +
          "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
      },
    });
    const names = tables.results.map((t) => t.name);
    if (names.length === 0) return list.replaceChildren(h("p", { class: "muted" }, "No tables yet."));
    // One request for every table's columns and row count.
    const batch = names.flatMap((n) => [
      { sql: `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, params: [n] },
      { sql: `SELECT count(*) AS n FROM ${quote(n)}` },
    ]);
    const out = await db("POST", path, { body: { batch } });
    list.replaceChildren(
      ...tables.results.map((t, i) => {
        const columns = out[2 * i].results;
        const count = out[2 * i + 1].results[0].n;
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
            h("span", { class: "muted" }, columns.map((c) => c.name).join(", ")),
          ),
          h(
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
          ),
          h("pre", { class: "schema" }, t.sql),
        );
      }),
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
