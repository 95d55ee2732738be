// The time-travel tab's diff: what changed from one commit to a later one (or to now), from
// opend1's time_travel/diff. Schema changes are called out first; then a summary per table of the
// rows inserted, updated and deleted so far, and the changed rows, 100 at a time ("Load more
// changes" passes back the cursor each page returns). "Download SQL" saves the script that turns
// the older state into the newer (format=sql) straight to disk (download.js).
import { call, session } from "./api.js";
import { h, errorBox, busy, showError } from "./dom.js";
import { cell } from "./cells.js";
import { saveToDisk } from "./download.js";

const PER_PAGE = 100;
const KINDS = ["inserted", "updated", "deleted"];

/** A row's key as text: "rowid = 4", or "k = b, n = 2" for a WITHOUT ROWID table. */
const keyText = (key) => Object.entries(key).map(([k, v]) => `${k} = ${Array.isArray(v) ? "BLOB" : v}`).join(", ");

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The diff card. `picked()` is the bookmark in the tab's form (a commit picked on the timeline),
 * which "Use picked" copies into either end.
 */
export function diffCard(database, picked) {
  const path = () => `/accounts/${encodeURIComponent(session.account)}/d1/database/${encodeURIComponent(database.id)}/time_travel/diff`;
  const from = h("input", { id: "diff-from", size: 44, placeholder: "older bookmark" });
  const to = h("input", { id: "diff-to", size: 44, placeholder: "now" });
  const usePicked = (input, id) => h("button", { type: "button", class: "small", id, onclick: () => (input.value = picked()) }, "Use picked");
  const compare = h("button", { type: "button", id: "diff-run" }, "Compare");
  const errors = errorBox();
  errors.id = "diff-error";
  const result = h("div", { id: "diff-result" });
  /** The diff shown: its resolved ends, schema changes, rows so far by table, and the next cursor. */
  let shown = null;

  /** Adds the page at `cursor` of the diff `state` to it. */
  async function readPage(state, cursor) {
    const query = { from: state.from, to: state.to, per_page: PER_PAGE, cursor };
    const { result: r, result_info: info } = await call("GET", path(), { query });
    for (const t of r.tables) {
      const rows = state.tables.get(t.name) ?? { inserted: [], updated: [], deleted: [] };
      for (const kind of KINDS) rows[kind].push(...t[kind]);
      state.tables.set(t.name, rows);
    }
    state.cursor = info?.cursor ?? null;
    return r;
  }

  compare.addEventListener("click", () =>
    busy(compare, errors, async () => {
      if (!from.value.trim()) throw new Error("Enter the older commit's bookmark, or pick one on the timeline and Use picked.");
      const state = { from: from.value.trim(), to: to.value.trim() || undefined, schema: [], tables: new Map(), cursor: null };
      // The first page resolves the ends ("now" to a bookmark): later pages and the script use them.
      const r = await readPage(state, undefined);
      shown = Object.assign(state, { from: r.from, to: r.to, schema: r.schema });
      render();
    }),
  );

  function more() {
    const button = h("button", { type: "button", id: "diff-more" }, "Load more changes");
    button.addEventListener("click", () =>
      busy(button, errors, async () => {
        await readPage(shown, shown.cursor);
        render();
      }),
    );
    return button;
  }

  function downloadSql() {
    const button = h("button", { type: "button", id: "diff-sql" }, "Download SQL");
    const note = h("span", { class: "muted", id: "diff-sql-status" });
    button.addEventListener("click", () =>
      busy(button, errors, async () => {
        const query = new URLSearchParams({ from: shown.from, to: shown.to, format: "sql" });
        // A bookmark is the commit's sequence number in three parts, then its hash: the file is
        // named by the low part and the start of the hash.
        const short = (b) => b.split("-").slice(2).join("-").slice(0, 17);
        const name = `${database.name ?? database.id}-diff-${short(shown.from)}-to-${short(shown.to)}.sql`;
        await saveToDisk(`${path()}?${query}`, name);
        note.textContent = ` Saved as ${name} by the browser.`;
      }),
    );
    return h("span", {}, button, note);
  }

  function schemaChanges() {
    if (!shown.schema.length) return null;
    return h(
      "div",
      { class: "callout", id: "diff-schema" },
      h("strong", {}, `Schema changes (${shown.schema.length}): `),
      "rows of a table created, dropped or altered are not listed; the change says it.",
      h(
        "ul",
        {},
        shown.schema.map((c) =>
          h(
            "li",
            { "data-name": c.name, "data-change": c.change },
            `${c.type} ${c.name} ${c.change}`,
            h("details", {}, h("summary", {}, "SQL"), h("pre", { class: "schema" }, `-- before\n${c.sql_before ?? "(none)"}\n-- after\n${c.sql_after ?? "(none)"}`)),
          ),
        ),
      ),
    );
  }

  function summary() {
    const rows = [...shown.tables].map(([name, t]) => h("tr", { "data-table": name }, h("td", {}, name), KINDS.map((k) => h("td", { class: `num ${k}` }, String(t[k].length)))));
    return h(
      "table",
      { class: "grid", id: "diff-summary" },
      h("thead", {}, h("tr", {}, h("th", {}, "Table"), KINDS.map((k) => h("th", {}, k)))),
      h("tbody", {}, rows),
    );
  }

  /** One table's changed rows: the change, the key, then each column (an update shows before → after). */
  function tableRows(name, t) {
    const columns = [...new Set([...t.inserted, ...t.deleted].flatMap((r) => Object.keys(r.values)).concat(t.updated.flatMap((r) => Object.keys(r.after))))];
    const line = (kind, r) => {
      const cells = columns.map((c) => {
        if (kind !== "updated") return cell(r.values[c] ?? null);
        const td = cell(r.after[c] ?? null);
        if (!same(r.before[c], r.after[c])) {
          td.classList.add("changed");
          td.prepend(h("del", {}, cell(r.before[c] ?? null).textContent), " → ");
        }
        return td;
      });
      return h("tr", { class: kind }, h("td", { class: "kind" }, kind), h("td", { class: "mono" }, keyText(r.key)), cells);
    };
    return h(
      "div",
      { class: "card diff-table", "data-table": name },
      h("h2", {}, name),
      h(
        "div",
        { class: "scroll" },
        h(
          "table",
          { class: "grid results" },
          h("thead", {}, h("tr", {}, h("th", {}, "change"), h("th", {}, "key"), columns.map((c) => h("th", {}, c)))),
          h("tbody", {}, KINDS.flatMap((k) => t[k].map((r) => line(k, r)))),
        ),
      ),
    );
  }

  function render() {
    const count = [...shown.tables.values()].reduce((n, t) => n + t.inserted.length + t.updated.length + t.deleted.length, 0);
    const parts = [
      h("p", {}, "From ", h("code", { id: "diff-from-bookmark" }, shown.from), " to ", h("code", { id: "diff-to-bookmark" }, shown.to), " ", downloadSql()),
      schemaChanges(),
      h(
        "p",
        { class: "muted", id: "diff-status" },
        count === 0 && !shown.cursor ? "No row changed." : `${count.toLocaleString("en")} changed rows${shown.cursor ? " so far" : ""}.`,
      ),
      shown.tables.size ? summary() : null,
      ...[...shown.tables].map(([name, t]) => tableRows(name, t)),
      shown.cursor ? more() : null,
    ];
    result.replaceChildren(...parts.filter(Boolean));
    showError(errors, null);
  }

  return h(
    "div",
    { class: "card", id: "diff" },
    h("h2", {}, "What changed between two commits"),
    h("p", {}, h("label", {}, "From ", from), " ", usePicked(from, "diff-use-from")),
    h("p", {}, h("label", {}, "To ", to), " ", usePicked(to, "diff-use-to"), h("span", { class: "muted" }, " (empty: now)")),
    h("div", { class: "row" }, compare),
    errors,
    result,
  );
}
