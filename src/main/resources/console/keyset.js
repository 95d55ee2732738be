// Keyset paging over one table: the SELECT that reads the page after (or before) a row, by its
// key (rowid, or the primary key of a WITHOUT ROWID table) and optionally a sort column first.
// Never OFFSET: each page seeks from the previous page's edge row through the key's index, so the
// last page of 100,000 rows costs what the first does. Everything a user typed is a parameter.

/** A name as a SQL identifier. */
export const quote = (name) => `"${String(name).replaceAll('"', '""')}"`;

/** The filter operators offered, and whether each takes a value. */
export const FILTERS = {
  "=": true,
  "!=": true,
  "<": true,
  ">": true,
  LIKE: true,
  "IS NULL": false,
  "IS NOT NULL": false,
};

/**
 * The rowid's name for a table (null for WITHOUT ROWID): the first of SQLite's three spellings
 * that no column shadows.
 */
export function rowidName(table) {
  if (table.withoutRowid) return null;
  const taken = new Set(table.columns.map((c) => c.name.toLowerCase()));
  return ["rowid", "_rowid_", "oid"].find((n) => !taken.has(n)) ?? null;
}

/** The key columns of a table: its rowid, or its primary key columns in key order. */
export function keyOf(table) {
  const rowid = rowidName(table);
  if (rowid) return { names: [rowid], rowid: true };
  const pk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return { names: pk.map((c) => c.name), rowid: false };
}

/**
 * The SELECT for one page.
 * @param table {name, columns: [{name}], withoutRowid}
 * @param view {sort: column name or null, desc, filter: {column, op, value} or null, size}
 * @param from null for the first (or, backward, the last) page; else {key: [...], sort: value}
 *     of the row to continue after (forward) or before (backward)
 * @param backward true to read towards the start (the caller reverses the rows)
 * @returns {sql, params}; each row is the key values, then the table's columns
 */
export function pageQuery(table, view, from, backward = false) {
  const key = keyOf(table);
  const keyExprs = key.rowid ? [key.names[0]] : key.names.map(quote);
  const asc = view.desc === backward;
  const dir = asc ? "ASC" : "DESC";
  const params = [];
  const where = filterTerms(view.filter, params);
  if (from) where.push(seek(view.sort && quote(view.sort), keyExprs, asc, from, params));
  const order = [...(view.sort ? [quote(view.sort)] : []), ...keyExprs].map((e) => `${e} ${dir}`).join(", ");
  const select = [...keyExprs, ...table.columns.map((c) => quote(c.name))].join(", ");
  const sql =
    `SELECT ${select} FROM ${quote(table.name)}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${order} LIMIT ?`;
  params.push(view.size + 1);
  return { sql, params };
}

/** The filter as WHERE terms (none or one), its value appended to `params`. */
export function filterTerms(filter, params) {
  if (!filter) return [];
  const c = quote(filter.column);
  if (!FILTERS[filter.op]) return [`${c} ${filter.op}`];
  params.push(filter.value);
  return [`${c} ${filter.op} ?`];
}

/** The SELECT counting the rows the filter lets through. */
export function countQuery(table, filter) {
  const params = [];
  const where = filterTerms(filter, params);
  return { sql: `SELECT count(*) FROM ${quote(table.name)}${where.length ? ` WHERE ${where[0]}` : ""}`, params };
}

/**
 * "Comes after `from` in this order": a row-value comparison on the key, with the sort column
 * first when there is one. SQLite sorts NULL first, so NULLs need their own terms (a comparison
 * with NULL is never true).
 */
function seek(sort, keyExprs, asc, from, params) {
  const op = asc ? ">" : "<";
  const k = keyExprs.length === 1 ? keyExprs[0] : `(${keyExprs.join(", ")})`;
  const marks = keyExprs.length === 1 ? "?" : `(${keyExprs.map(() => "?").join(", ")})`;
  const afterKey = `${k} ${op} ${marks}`;
  if (!sort) {
    params.push(...from.key);
    return afterKey;
  }
  if (from.sort === null) {
    params.push(...from.key);
    // NULLs come first ascending: after a NULL come the later NULLs, then every value.
    return asc ? `((${sort} IS NULL AND ${afterKey}) OR ${sort} IS NOT NULL)` : `(${sort} IS NULL AND ${afterKey})`;
  }
  params.push(from.sort, from.sort, ...from.key);
  const tie = `(${sort} ${op} ? OR (${sort} = ? AND ${afterKey}))`;
  // Descending, the NULLs come last, after every value.
  return asc ? tie : `${tie.slice(0, -1)} OR ${sort} IS NULL)`;
}

/** The WHERE clause naming one row by its key, and its parameters. */
export function whereKey(table, keyValues) {
  const key = keyOf(table);
  const terms = key.names.map((n) => `${key.rowid ? n : quote(n)} = ?`);
  return { sql: terms.join(" AND "), params: [...keyValues] };
}
