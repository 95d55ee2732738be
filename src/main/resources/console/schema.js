// A database's schema as the console reads it, in one batch through /query: every table, view,
// index and trigger from sqlite_schema, each table's and view's columns (pragma_table_info), and
// which tables are WITHOUT ROWID (pragma_table_list). The tables tab lists it; the row browser
// pages by its keys; the SQL editor completes its names.
import { db } from "./api.js";

/** D1's internal tables (_cf_*) and SQLite's own (sqlite_*) are not shown. */
const visible = (name) => `${name} NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${name} NOT LIKE '\\_cf\\_%' ESCAPE '\\'`;

/**
 * Resolves to {tables, views, indexes, triggers}: each entry {type, name, tbl_name, sql}, tables
 * and views with `columns` [{name, type, notnull, pk, dflt_value}], tables with `withoutRowid`.
 */
export async function loadSchema(databaseId) {
  const [objects, lists, columns] = await db("POST", `/${encodeURIComponent(databaseId)}/query`, {
    body: {
      batch: [
        { sql: `SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE ${visible("name")} ORDER BY name` },
        { sql: "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'" },
        {
          sql:
            `SELECT m.name AS owner, p.name, p.type, p."notnull", p.pk, p.dflt_value FROM sqlite_schema AS m ` +
            `JOIN pragma_table_info(m.name) AS p WHERE m.type IN ('table', 'view') AND ${visible("m.name")} ORDER BY m.name, p.cid`,
        },
      ],
    },
  });
  const withoutRowid = new Set(lists.results.filter((t) => t.wr).map((t) => t.name));
  const byOwner = new Map();
  for (const c of columns.results) {
    if (!byOwner.has(c.owner)) byOwner.set(c.owner, []);
    byOwner.get(c.owner).push({ name: c.name, type: c.type, notnull: c.notnull, pk: c.pk, dflt_value: c.dflt_value });
  }
  const schema = { tables: [], views: [], indexes: [], triggers: [] };
  for (const o of objects.results) {
    const entry = { ...o, columns: byOwner.get(o.name) ?? [] };
    if (o.type === "table") schema.tables.push({ ...entry, withoutRowid: withoutRowid.has(o.name) });
    else if (o.type === "view") schema.views.push(entry);
    else if (o.type === "index") schema.indexes.push(entry);
    else if (o.type === "trigger") schema.triggers.push(entry);
  }
  return schema;
}
