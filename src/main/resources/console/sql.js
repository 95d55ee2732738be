// The SQL tab: the editor (sqleditor.js), Run (all of the text, or only the selection), the
// query history (history.js), and each statement's result (results.js), or the failure in place.
// One plain SELECT is read in pieces: run as SELECT * FROM (…) LIMIT 1001 OFFSET n, so a large
// result never arrives whole; anything else runs as written through /raw and its rows are shown
// 1,000 at a time. Viewed as of a past commit (asof.js), every statement reads that state; a write
// is refused by the server and its message shown in place.
import { db } from "./api.js";
import { h, errorBox, busy, showError } from "./dom.js";
import { sqlEditor } from "./sqleditor.js";
import { statements, isPlainSelect } from "./sqltokens.js";
import { readHistory, remember } from "./history.js";
import { loadSchema } from "./schema.js";
import { resultView, CAP } from "./results.js";

/** A plain SELECT as the query for the rows from `offset` on (one more than CAP, to see if more follow). */
function piece(select, offset) {
  // On lines of their own, so a comment at the end of the user's text cannot swallow the limit.
  return `SELECT * FROM (\n${select}\n) LIMIT ${CAP + 1} OFFSET ${offset}`;
}

export function sqlPanel(database) {
  const path = () => `/${encodeURIComponent(database.id)}/raw`;
  const editor = sqlEditor({ run: execute, placeholder: "SELECT * FROM sqlite_schema" });
  const run = h("button", { type: "button", id: "run" }, "Run");
  const hint = h("span", { class: "muted" }, "Ctrl+Enter runs; with a selection, only the selected text runs. Ctrl+Space completes.");
  const errors = errorBox();
  errors.id = "sql-error";
  const results = h("div", { id: "results" });
  const historyList = h("ol", { id: "history-list" });
  const history = h("details", { id: "history", class: "history" }, h("summary", {}), historyList);

  function showHistory(list = readHistory(database.id)) {
    history.querySelector("summary").textContent = `History (${list.length})`;
    historyList.replaceChildren(
      ...list.map((sql) =>
        h("li", {}, h("button", { type: "button", class: "link", title: "Put in the editor", onclick: () => (editor.setText(sql), editor.focus()) }, sql)),
      ),
    );
  }

  async function execute() {
    const { selectionStart: a, selectionEnd: b, value } = editor.textarea;
    const sql = a !== b ? value.slice(a, b) : value;
    if (!sql.trim()) return;
    showHistory(remember(database.id, sql.trim()));
    await busy(run, errors, async () => {
      results.replaceChildren();
      const parts = statements(sql);
      if (parts.length === 1 && isPlainSelect(parts[0])) {
        const select = parts[0].text;
        const [out] = await db("POST", path(), { body: { sql: piece(select, 0) } });
        const more = async (offset) => (await db("POST", path(), { body: { sql: piece(select, offset) } }))[0].results.rows ?? [];
        results.replaceChildren(resultView(0, 1, out, more));
        return;
      }
      const out = await db("POST", path(), { body: { sql } });
      results.replaceChildren(...out.map((r, i) => resultView(i, out.length, r, null)));
      if (out.some((r) => r.meta?.changed_db)) {
        database.changed();
        loadNames();
      }
    });
  }
  run.addEventListener("click", execute);

  /** The tables' and views' names and columns, for completion. */
  function loadNames() {
    loadSchema(database.id).then(
      (s) => editor.setSchema([...s.tables, ...s.views]),
      (e) => showError(errors, e),
    );
  }

  showHistory();
  return {
    element: h("div", { class: "panel" }, editor.element, h("div", { class: "row" }, run, hint), history, errors, results),
    /** Results read from another state than the one viewed now are cleared. */
    asOfChanged() {
      results.replaceChildren();
      showError(errors, null);
    },
    shown() {
      loadNames();
      showHistory();
      editor.focus();
    },
  };
}
