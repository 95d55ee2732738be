// Paging a view by position. A view has no rowid and no key, and its rows may repeat, so "the rows
// after this one" could skip rows equal to it: a view's pages are LIMIT/OFFSET over its rows, in
// the view's own order or by the sort column chosen (then by every column, so that rows tied on
// the sort column come in one order on every page). Each page runs the view up to its offset:
// nothing for the small views most are, slower deep into a large one. Tables page by key
// (keyset.js).
import { quote, filterTerms } from "./keyset.js";

/**
 * The SELECT for the page of `view` starting at row `offset` (0-based).
 * @param view {name, columns: [{name}]}
 * @param options {sort: column name or null, desc, filter: {column, op, value} or null, size}
 * @returns {sql, params}; each row is the view's columns; one row more than a page says there is more
 */
export function offsetPageQuery(view, options, offset) {
  const params = [];
  const where = filterTerms(options.filter, params);
  const columns = view.columns.map((c) => quote(c.name));
  const dir = options.desc ? "DESC" : "ASC";
  const order = options.sort ? ` ORDER BY ${[quote(options.sort), ...columns].map((e) => `${e} ${dir}`).join(", ")}` : "";
  const sql =
    `SELECT ${columns.join(", ")} FROM ${quote(view.name)}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    `${order} LIMIT ? OFFSET ?`;
  params.push(options.size + 1, offset);
  return { sql, params };
}
