// "View as of": which databases the console is reading at a past commit instead of now. While a
// database has one, api.js adds ?bookmark=B to its /query and /raw calls (so the row browser, the
// table list and the SQL tab all read that state, read-only on the server) and the pages hide
// their write controls. Kept in memory only: a reload is back to now.

/** Database id -> {bookmark, timestamp} (timestamp: the commit's ISO time, or null if not known). */
const viewing = new Map();
const EVENT = "opend1:as-of";

/** The past commit `databaseId` is viewed at, or null when it is read live. */
export function asOf(databaseId) {
  return viewing.get(databaseId) ?? null;
}

/** Views `databaseId` as of `bookmark` (committed at `timestamp`, if known), or live when null. */
export function viewAsOf(databaseId, bookmark, timestamp = null) {
  if (bookmark) viewing.set(databaseId, { bookmark, timestamp });
  else viewing.delete(databaseId);
  window.dispatchEvent(new CustomEvent(EVENT, { detail: databaseId }));
}

/** Calls `listener(state)` whenever the as-of state of `databaseId` changes; returns the unsubscriber. */
export function onAsOfChange(databaseId, listener) {
  const handler = (e) => e.detail === databaseId && listener(asOf(databaseId));
  window.addEventListener(EVENT, handler);
  return () => window.removeEventListener(EVENT, handler);
}

/** The D1 path below the account's databases that reads as of a bookmark: "/ID/query" or "/ID/raw". */
const READ = /^\/([^/?]+)\/(query|raw)$/;

/** The query parameters a call to `subpath` gains from the as-of state ({} if none). */
export function asOfQuery(subpath) {
  const m = READ.exec(subpath);
  const state = m && asOf(decodeURIComponent(m[1]));
  return state ? { bookmark: state.bookmark } : {};
}
