// How one SQL value is shown in a grid cell: NULL, BLOBs (arrays of bytes) as X'..', the rest as text.
import { h } from "./dom.js";

/** A BLOB (an array of bytes in D1's JSON) as a SQL hex literal. */
export function hexLiteral(bytes) {
  return `X'${bytes.map((b) => b.toString(16).padStart(2, "0")).join("")}'`;
}

/** A <td> for the value `v`. */
export function cell(v) {
  if (v === null) return h("td", { class: "null" }, "NULL");
  if (Array.isArray(v)) return h("td", { class: "mono" }, hexLiteral(v));
  return h("td", { class: typeof v === "number" ? "num" : undefined }, String(v));
}
