// How one SQL value is shown in a grid cell: NULL, BLOBs (arrays of bytes) as X'..', the rest as text.
import { h } from "./dom.js";

/** A BLOB (an array of bytes in D1's JSON) as hex digits, two a byte. */
export function hexDigits(bytes) {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A BLOB (an array of bytes in D1's JSON) as a SQL hex literal. */
export function hexLiteral(bytes) {
  return `X'${hexDigits(bytes)}'`;
}

/** Hex digits (spaces allowed between) as an array of bytes, or null when they are not hex. */
export function bytesOfHex(text) {
  const digits = text.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) return null;
  return Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

/** A <td> for the value `v`. */
export function cell(v) {
  if (v === null) return h("td", { class: "null" }, "NULL");
  if (Array.isArray(v)) return h("td", { class: "mono" }, hexLiteral(v));
  return h("td", { class: typeof v === "number" ? "num" : undefined }, String(v));
}
