// The row browser of one table or view: 100 rows a page with first/previous/next/last by keyset
// (keyset.js; a view by position, offsetpage.js), a sort column, a filter on one column, and
// edit/insert/delete through parameterised statements that the user sees before they run
// (statement.js). A view, or any table viewed as of a past commit (asof.js), is read-only: no
// edit, insert or delete.
import { db } from "./api.js";
import { asOf } from "./asof.js";
import { h, errorBox, showError, busy } from "./dom.js";
import { pageQuery, countQuery, keyOf, whereKey, quote, FILTERS } from "./keyset.js";
import { offsetPageQuery } from "./offsetpage.js";
import { valuesDialog, confirmStatement } from "./statement.js";
import { cell } from "./cells.js";

const PAGE = 100;

/**
 * The browser's element for `table`, a table or a view (from schema.js). `changed()` is called
 * after each write, so the database's title line and row counts follow. Made afresh when the
 * state viewed changes.
 */
export function rowBrowser(database, table, changed) {
  /** A view has no key: it is paged by position, and its rows cannot be told apart to edit. */
  const isView = table.type === "view";
  /** A past state is read-only: its rows are shown without the controls that would write. */
  const pastState = asOf(database.id) !== null;
  const readOnly = isView || pastState;
  const path = (kind) => `/${encodeURIComponent(database.id)}/${kind}`;
  const key = isView ? { names: [], rowid: false } : keyOf(table);
  const nKey = key.names.length;
  const view = { sort: null, desc: false, filter: null, size: PAGE };
  /** The shown page: its rows (key values, then columns), how it was read, and its position. */
  let page = { rows: [], from: null, backward: false, start: 0, total: 0, more: false, before: false };

  const errors = errorBox();
  errors.id = "browse-error";
  const status = h("span", { class: "muted", id: "browse-status" });
  const nav = (id, label, action) => h("button", { type: "button", id, class: "small", onclick: () => go(action) }, label);
  const first = nav("browse-first", "« First", () => read(null, false, 0));
  const prev = nav("browse-prev", "‹ Previous", () => read(edge(page.rows[0]), true, page.start - PAGE));
  const next = nav("browse-next", "Next ›", () => read(edge(page.rows.at(-1)), false, page.start + page.rows.length));
  const last = nav("browse-last", "Last »", () => read(null, true, null));

  const sortBy = h("select", { id: "browse-sort" }, h("option", { value: "" }, "key order"), table.columns.map((c) => h("option", { value: c.name }, c.name)));
  const sortDesc = h("select", { id: "browse-dir" }, h("option", { value: "asc" }, "ascending"), h("option", { value: "desc" }, "descending"));
  const filterColumn = h("select", { id: "browse-filter-column" }, h("option", { value: "" }, "no filter"), table.columns.map((c) => h("option", { value: c.name }, c.name)));
  const filterOp = h("select", { id: "browse-filter-op" }, Object.keys(FILTERS).map((op) => h("option", { value: op }, op)));
  const filterValue = h("input", { type: "text", id: "browse-filter-value", placeholder: "value", size: 14 });
  const apply = h("button", { type: "button", id: "browse-apply", class: "small" }, "Apply");
  const insert = h("button", { type: "button", id: "browse-insert", class: "small", hidden: readOnly }, "Insert row");
  const grid = h("div", { class: "scroll" });

  /** The cursor a row gives: its key values and its sort column's value. */
  function edge(row) {
    const sortAt = view.sort ? nKey + table.columns.findIndex((c) => c.name === view.sort) : -1;
    return { key: row.slice(0, nKey), sort: sortAt >= 0 ? row[sortAt] : null };
  }

  async function go(action) {
    for (const b of [first, prev, next, last]) b.disabled = true;
    try {
      await action();
      showError(errors, null);
    } catch (e) {
      showError(errors, e);
    }
    render();
  }

  /** Reads the page after (or, backward, before) `from`; `start` is its position if known. */
  async function read(from, backward, start) {
    if (isView) return readAt(backward && from === null ? null : Math.max(0, start));
    const q = pageQuery(table, view, from, backward);
    const [out] = await db("POST", path("raw"), { body: q });
    let rows = out.results.rows ?? [];
    const more = rows.length > PAGE;
    rows = rows.slice(0, PAGE);
    if (backward) rows.reverse();
    const total = from === null || page.total === undefined ? await count() : page.total;
    page = {
      rows,
      from,
      backward,
      total,
      start: start ?? Math.max(0, total - rows.length),
      // Moving one way proves there is a page the other way we came from.
      more: backward ? from !== null : more,
      before: backward ? more : from !== null,
    };
  }

  /** A view's page starting at row `start`, or its last page when `start` is null. */
  async function readAt(start) {
    const total = start === 0 || start === null || page.total === undefined ? await count() : page.total;
    const offset = start ?? Math.max(0, total - PAGE);
    const [out] = await db("POST", path("raw"), { body: offsetPageQuery(table, view, offset) });
    const rows = out.results.rows ?? [];
    page = { rows: rows.slice(0, PAGE), from: null, backward: false, total, start: offset, more: rows.length > PAGE, before: offset > 0 };
  }

  async function count() {
    const [out] = await db("POST", path("raw"), { body: countQuery(table, view.filter) });
    return out.results.rows[0][0];
  }

  /** Reads the shown page again (after a write), from where it was read. */
  function reload() {
    page.total = undefined;
    return go(() => read(page.from, page.backward, page.backward && page.from === null ? null : page.start));
  }

  function render() {
    const n = page.rows.length;
    status.textContent = n ? `Rows ${(page.start + 1).toLocaleString("en")}–${(page.start + n).toLocaleString("en")} of ${(page.total ?? 0).toLocaleString("en")}` : "No rows";
    first.disabled = prev.disabled = !page.before;
    next.disabled = last.disabled = !page.more;
    grid.replaceChildren(
      h(
        "table",
        { class: "grid results", id: "browse-grid" },
        h("thead", {}, h("tr", {}, table.columns.map((c) => h("th", {}, c.name)), readOnly ? null : h("th", {}, ""))),
        h(
          "tbody",
          {},
          page.rows.map((row) =>
            h(
              "tr",
              {},
              table.columns.map((c, i) => {
                const td = cell(row[nKey + i]);
                if (readOnly) return td;
                td.classList.add("editable");
                td.title = "Click to edit";
                td.addEventListener("click", () => edit(row, c, row[nKey + i]));
                return td;
              }),
              readOnly ? null : h("td", {}, h("button", { type: "button", class: "small danger delete-row", onclick: () => remove(row) }, "Delete")),
            ),
          ),
        ),
      ),
    );
  }

  /** Runs a write the user confirmed, then reloads the page. */
  async function write(title, sql, params) {
    if (!(await confirmStatement(title, sql, params))) return;
    try {
      const [out] = await db("POST", path("query"), { body: { sql, params } });
      showError(errors, out.meta.changes === 1 ? null : new Error(`The statement changed ${out.meta.changes} rows.`));
      changed();
    } catch (e) {
      showError(errors, e);
      return;
    }
    await reload();
  }

  async function edit(row, column, value) {
    const values = await valuesDialog(`Edit ${column.name}`, [{ name: column.name, type: column.type, value }], "Review");
    if (!values) return;
    const where = whereKey(table, row.slice(0, nKey));
    await write("Update this row?", `UPDATE ${quote(table.name)} SET ${quote(column.name)} = ? WHERE ${where.sql}`, [values[column.name], ...where.params]);
  }

  async function remove(row) {
    const where = whereKey(table, row.slice(0, nKey));
    await write("Delete this row?", `DELETE FROM ${quote(table.name)} WHERE ${where.sql}`, where.params);
  }

  insert.addEventListener("click", async () => {
    const fields = table.columns.map((c) => ({ name: c.name, type: c.type, value: "", optional: true }));
    const values = await valuesDialog(`Insert into ${table.name}`, fields, "Review");
    if (!values) return;
    const names = Object.keys(values);
    const sql = names.length
      ? `INSERT INTO ${quote(table.name)} (${names.map(quote).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`
      : `INSERT INTO ${quote(table.name)} DEFAULT VALUES`;
    await write("Insert this row?", sql, Object.values(values));
  });

  apply.addEventListener("click", () =>
    busy(apply, errors, async () => {
      view.sort = sortBy.value || null;
      view.desc = sortDesc.value === "desc";
      view.filter = filterColumn.value ? { column: filterColumn.value, op: filterOp.value, value: filterValue.value } : null;
      page.total = undefined;
      await go(() => read(null, false, 0));
    }),
  );
  filterOp.addEventListener("change", () => (filterValue.disabled = !FILTERS[filterOp.value]));

  const element = h(
    "div",
    { class: "card browser", "data-table": table.name },
    h(
      "h2",
      {},
      `Rows of ${table.name}`,
      h("span", { class: "muted", id: "browse-paging" }, isView ? " · a view: read-only, paged by position" : key.rowid ? " · paged by rowid" : ` · paged by ${key.names.join(", ")}`),
      pastState ? h("span", { class: "muted", id: "browse-read-only" }, " · read-only, as of the bookmark above") : null,
    ),
    h("div", { class: "row" }, "Sort by ", sortBy, sortDesc, " · Filter ", filterColumn, filterOp, filterValue, apply, insert),
    h("div", { class: "row" }, first, prev, status, next, last),
    errors,
    grid,
  );
  go(() => read(null, false, 0));
  return element;
}
