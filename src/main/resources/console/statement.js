// The row browser's two dialogs: a form of column values (edit a cell, insert a row), and the
// confirmation that shows the exact parameterised statement and its parameters before it runs.
// A BLOB is typed as hex and sent as D1 sends BLOBs, an array of bytes, which binds as a BLOB.
import { h } from "./dom.js";
import { hexDigits, hexLiteral, bytesOfHex } from "./cells.js";

const NOT_HEX = "A BLOB is typed in hex: an even number of the digits 0-9 and a-f.";

/** Shows `dialog` modally; resolves to `read()` when the OK button closes it, else null. */
function ask(dialog, read) {
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      const answer = dialog.returnValue === "ok" ? read() : null;
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

function buttons(label) {
  return h(
    "div",
    { class: "row end" },
    h("button", { value: "cancel", formnovalidate: true }, "Cancel"),
    h("button", { value: "ok", class: "primary" }, label),
  );
}

/**
 * Asks for column values. `fields` are [{name, type, value, optional}]: each gets a text box, a
 * NULL box and a BLOB box (the text is hex, ticked for a BLOB value or a BLOB column); an optional
 * one also a "default" box (the column is left out). Resolves to {name: value} (value null for
 * NULL, an array of bytes for a BLOB) for the columns given, or null when cancelled. Hex that is
 * not hex keeps the dialog open, with the reason.
 */
export function valuesDialog(title, fields, okLabel) {
  const problem = h("p", { class: "error", id: "values-error", role: "alert", hidden: true });
  const rows = fields.map((f) => {
    const blob = Array.isArray(f.value);
    const text = h("input", { type: "text", name: f.name, value: blob ? hexDigits(f.value) : (f.value ?? ""), class: "mono", "aria-label": f.name });
    const isNull = h("input", { type: "checkbox", class: "is-null", checked: f.value === null && !f.optional });
    const isBlob = h("input", { type: "checkbox", class: "is-blob", checked: blob || /blob/i.test(f.type ?? "") });
    const useDefault = f.optional ? h("input", { type: "checkbox", class: "is-default", checked: true }) : null;
    // Typing a value un-ticks "default"; NULL greys the text out.
    const sync = () => {
      text.disabled = isNull.checked;
      text.placeholder = isBlob.checked ? "hex, e.g. 00ff" : "";
      text.setCustomValidity(isBlob.checked && !useDefault?.checked && bytesOfHex(text.value) === null ? NOT_HEX : "");
    };
    isBlob.addEventListener("change", sync);
    // The form refuses to close while a value is invalid; say why next to the buttons too.
    text.addEventListener("invalid", () => {
      problem.textContent = `${f.name}: ${text.validationMessage}`;
      problem.hidden = false;
    });
    isNull.addEventListener("change", () => {
      if (isNull.checked && useDefault) useDefault.checked = false;
      sync();
    });
    text.addEventListener("input", () => {
      if (useDefault) useDefault.checked = false;
      sync();
    });
    useDefault?.addEventListener("change", () => {
      if (useDefault.checked) isNull.checked = false;
      sync();
    });
    sync();
    const row = h(
      "tr",
      { "data-column": f.name },
      h("th", {}, f.name, h("span", { class: "muted" }, f.type ? ` ${f.type}` : "")),
      h("td", {}, text),
      h("td", {}, h("label", {}, isNull, " NULL")),
      h("td", {}, h("label", { title: "The text is hex, stored as a BLOB" }, isBlob, " BLOB (hex)")),
      h("td", {}, useDefault && h("label", {}, useDefault, " default")),
    );
    return { f, row, text, isNull, isBlob, useDefault };
  });
  const dialog = h(
    "dialog",
    { class: "confirm values" },
    h("form", { method: "dialog" }, h("h2", {}, title), h("table", { class: "form" }, h("tbody", {}, rows.map((r) => r.row))), problem, buttons(okLabel)),
  );
  queueMicrotask(() => rows.find((r) => !r.text.disabled)?.text.focus());
  return ask(dialog, () => {
    const values = {};
    for (const r of rows) {
      if (r.useDefault?.checked) continue;
      values[r.f.name] = r.isNull.checked ? null : r.isBlob.checked ? bytesOfHex(r.text.value) : r.text.value;
    }
    return values;
  });
}

/** Shows the statement and its parameters; resolves true when the user runs it. */
export async function confirmStatement(title, sql, params) {
  const dialog = h(
    "dialog",
    { class: "confirm statement" },
    h(
      "form",
      { method: "dialog" },
      h("h2", {}, title),
      h("p", { class: "muted" }, "This statement runs through /query with these parameters:"),
      h("pre", { class: "schema", id: "statement-sql" }, sql),
      h("pre", { class: "schema", id: "statement-params" }, JSON.stringify(params)),
      blobNotes(params),
      buttons("Run"),
    ),
  );
  return (await ask(dialog, () => true)) === true;
}

/** Which parameters are BLOBs (arrays of bytes), each with its hex, or nothing when none are. */
function blobNotes(params) {
  const notes = params.flatMap((p, i) => (Array.isArray(p) ? [`params[${i}] is a BLOB of ${p.length} bytes: ${hexLiteral(p)}`] : []));
  return notes.length ? h("p", { class: "muted", id: "statement-blobs" }, notes.join("; ")) : null;
}
