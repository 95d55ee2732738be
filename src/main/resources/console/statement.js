// The row browser's two dialogs: a form of column values (edit a cell, insert a row), and the
// confirmation that shows the exact parameterised statement and its parameters before it runs.
import { h } from "./dom.js";

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
 * Asks for column values. `fields` are [{name, type, value, optional}]: each gets a text box and a
 * NULL box; an optional one also a "default" box (the column is left out). Resolves to
 * {name: value} (value null for NULL) for the columns given, or null when cancelled.
 */
export function valuesDialog(title, fields, okLabel) {
  const rows = fields.map((f) => {
    const text = h("input", { type: "text", name: f.name, value: f.value ?? "", class: "mono", "aria-label": f.name });
    const isNull = h("input", { type: "checkbox", class: "is-null", checked: f.value === null && !f.optional });
    const useDefault = f.optional ? h("input", { type: "checkbox", class: "is-default", checked: true }) : null;
    // Typing a value un-ticks "default"; NULL greys the text out.
    const sync = () => {
      text.disabled = isNull.checked;
    };
    isNull.addEventListener("change", () => {
      if (isNull.checked && useDefault) useDefault.checked = false;
      sync();
    });
    text.addEventListener("input", () => {
      if (useDefault) useDefault.checked = false;
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
      h("td", {}, useDefault && h("label", {}, useDefault, " default")),
    );
    return { f, row, text, isNull, useDefault };
  });
  const dialog = h(
    "dialog",
    { class: "confirm values" },
    h("form", { method: "dialog" }, h("h2", {}, title), h("table", { class: "form" }, h("tbody", {}, rows.map((r) => r.row))), buttons(okLabel)),
  );
  queueMicrotask(() => rows.find((r) => !r.text.disabled)?.text.focus());
  return ask(dialog, () => {
    const values = {};
    for (const r of rows) {
      if (r.useDefault?.checked) continue;
      values[r.f.name] = r.isNull.checked ? null : r.text.value;
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
      buttons("Run"),
    ),
  );
  return (await ask(dialog, () => true)) === true;
}
