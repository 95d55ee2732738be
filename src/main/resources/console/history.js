// The SQL editor's query history: the last 50 distinct statements run on each database, newest
// first, kept in this browser's localStorage (the SQL text only; never the token or results).
const LIMIT = 50;
const key = (databaseId) => `opend1.history.${databaseId}`;

/** The statements run on a database, newest first. */
export function readHistory(databaseId) {
  try {
    const list = JSON.parse(localStorage.getItem(key(databaseId)) ?? "[]");
    return Array.isArray(list) ? list.filter((s) => typeof s === "string") : [];
  } catch {
    return [];
  }
}

/** Puts `sql` first in a database's history (once), keeping the last 50. */
export function remember(databaseId, sql) {
  const list = [sql, ...readHistory(databaseId).filter((s) => s !== sql)].slice(0, LIMIT);
  try {
    localStorage.setItem(key(databaseId), JSON.stringify(list));
  } catch {
    // Storage full or disabled: the history is a convenience, the query already ran.
  }
  return list;
}
