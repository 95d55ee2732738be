// The SQL tab: an editor that runs its text (or only the selected part) through /raw and shows
// each statement's rows in a grid with its meta (duration, rows read and written); a failure is
// shown in place under the editor.
import { db } from "./api.js";
import { h, errorBox, busy } from "./dom.js";
import { cell } from "./cells.js";

function metaLine(i, count, r) {
  const m = r.meta ?? {};
  const rows = r.results?.rows?.length ?? 0;
  const parts = [
    `Statement ${i + 1} of ${count}`,
    `${rows} ${rows === 1 ? "row" : "rows"}`,
    `${Number(m.duration ?? 0).toFixed(2)} ms`,
    `${m.rows_read ?? 0} rows read`,
    `${m.rows_written ?? 0} rows written`,
  ];
  if (m.changes) parts.push(`${m.changes} changed`);
  return h("p", { class: "meta" }, parts.join(" · "));
}

function resultGrid(r) {
  const columns = r.results?.columns ?? [];
  if (columns.length === 0) return null;
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "grid results" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
      h("tbody", {}, (r.results.rows ?? []).map((row) => h("tr", {}, row.map(cell)))),
    ),
  );
}

export function sqlPanel(database) {
  const editor = h("textarea", {
    id: "sql",
    rows: 8,
    spellcheck: "false",
    placeholder: "SELECT * FROM sqlite_schema",
  });
  const run = h("button", { type: "button", id: "run" }, "Run");
  const hint = h("span", { class: "muted" }, "Ctrl+Enter runs; with a selection, only the selected text runs.");
  const errors = errorBox();
  errors.id = "sql-error";
  const results = h("div", { id: "results" });

  async function execute() {
    const { selectionStart: a, selectionEnd: b, value } = editor;
    const sql = a !== b ? value.slice(a, b) : value;
    if (!sql.trim()) return;
    await busy(run, errors, async () => {
      results.replaceChildren();
      const out = await db("POST", `/${encodeURIComponent(database.id)}/raw`, { body: { sql } });
      results.replaceChildren(
        ...out.flatMap((r, i) => [h("div", { class: "result" }, metaLine(i, out.length, r), resultGrid(r))]),
      );
      if (out.some((r) => r.meta?.changed_db)) database.changed();
    });
  }
  run.addEventListener("click", execute);
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      execute();
    }
  });

  return {
    element: h("div", { class: "panel" }, editor, h("div", { class: "row" }, run, hint), errors, results),
    shown() {
      editor.focus();
    },
  };
}
