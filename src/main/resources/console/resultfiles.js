// A result's rows as text to copy or download: CSV (RFC 4180: CRLF line ends, a field quoted when
// it holds a comma, a quote or a line break, quotes doubled) or JSON (an array of objects).
import { hexLiteral } from "./cells.js";

function csvField(v) {
  if (v === null || v === undefined) return "";
  const s = Array.isArray(v) ? hexLiteral(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A header line of the column names, then a line per row; NULL is an empty field, a BLOB X'..'. */
export function toCsv(columns, rows) {
  return [columns, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** An array with an object per row, keyed by column name (a BLOB stays an array of bytes, as D1 sends it). */
export function toJson(columns, rows) {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))), null, 2) + "\n";
}
