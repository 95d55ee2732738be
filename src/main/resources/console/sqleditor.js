// The SQL editor: a plain <textarea> (so typing, selection, undo and paste stay the browser's own)
// over a <pre> that shows the same text highlighted by sqltokens.js, and a completion list of the
// database's tables and columns and SQLite's keywords at the caret (as you type, or Ctrl+Space).
// Written here rather than taken from CodeMirror 6: its SQL language package is not on Maven
// Central as a WebJar (docs/console.md, "SQL editor").
import { h } from "./dom.js";
import { tokenize, KEYWORDS } from "./sqltokens.js";

/** At most this many completions are offered. */
const MAX_OFFERED = 12;

/** A name as written in SQL: bare when it can be, else double-quoted. */
function asIdentifier(name) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase()) ? name : `"${name.replaceAll('"', '""')}"`;
}

/**
 * The editor. `run()` is called on Ctrl+Enter. Returns {element, textarea, setSchema(tables),
 * setText(text), focus()}; `tables` are [{name, columns: [{name}]}] (tables and views).
 */
export function sqlEditor({ run, placeholder }) {
  const textarea = h("textarea", { id: "sql", rows: 9, spellcheck: "false", wrap: "off", autocapitalize: "off", placeholder });
  const shown = h("pre", { class: "highlight", "aria-hidden": "true" });
  const list = h("ul", { id: "completions", role: "listbox", hidden: true });
  const probe = h("span", { class: "probe", "aria-hidden": "true" }, "M".repeat(20));
  const element = h("div", { class: "editor" }, shown, textarea, list, probe);
  let tables = [];
  /** The open completion: the word it replaces and the choices; null when closed. */
  let open = null;

  function highlight() {
    const parts = tokenize(textarea.value).map((t) =>
      t.type === "space" || t.type === "op" ? t.text : h("span", { class: `tok-${t.type}` }, t.text),
    );
    // A final newline shows as an empty line only if something follows it.
    shown.replaceChildren(...parts, "\n");
    syncScroll();
  }

  function syncScroll() {
    shown.scrollTop = textarea.scrollTop;
    shown.scrollLeft = textarea.scrollLeft;
  }

  /** The word before the caret and what can complete it, or null. */
  function candidates(explicit) {
    const at = textarea.selectionStart;
    if (at !== textarea.selectionEnd) return null;
    const before = textarea.value.slice(0, at);
    const token = tokenize(before).at(-1);
    if (token && ["string", "comment", "quoted", "blob", "number"].includes(token.type) && token.end === at) return null;
    const prefix = /[A-Za-z_][A-Za-z0-9_$]*$/.exec(before)?.[0] ?? "";
    if (!prefix && !explicit) return null;
    const start = at - prefix.length;
    // After "name." only that table's columns are offered.
    const owner = /([A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")\.$/.exec(before.slice(0, start))?.[1]?.replace(/^"|"$/g, "");
    const named = owner && tables.find((t) => t.name.toLowerCase() === owner.toLowerCase());
    let offered;
    if (named) offered = named.columns.map((c) => ({ text: c.name, kind: "column", detail: named.name }));
    else {
      // Columns of the tables the text names come first, then tables, then keywords.
      const mentioned = new Set(tokenize(textarea.value).filter((t) => t.type === "ident" || t.type === "quoted").map((t) => t.text.replace(/^["`[]|["`\]]$/g, "").toLowerCase()));
      const columns = tables
        .slice()
        .sort((a, b) => mentioned.has(b.name.toLowerCase()) - mentioned.has(a.name.toLowerCase()))
        .flatMap((t) => t.columns.map((c) => ({ text: c.name, kind: "column", detail: t.name })));
      offered = [
        ...columns,
        ...tables.map((t) => ({ text: t.name, kind: "table", detail: t.type ?? "table" })),
        ...[...KEYWORDS].map((k) => ({ text: k, kind: "keyword", detail: "" })),
      ];
    }
    const p = prefix.toLowerCase();
    const seen = new Set();
    const choices = offered.filter((c) => {
      const key = `${c.kind}:${c.text}`;
      if (seen.has(key) || !c.text.toLowerCase().startsWith(p) || c.text.length === prefix.length) return false;
      seen.add(key);
      return true;
    });
    return choices.length ? { start, end: at, choices: choices.slice(0, MAX_OFFERED), selected: 0 } : null;
  }

  function showList(next) {
    open = next;
    list.hidden = !open;
    if (!open) return list.replaceChildren();
    list.replaceChildren(
      ...open.choices.map((c, i) =>
        h(
          "li",
          {
            role: "option",
            class: `kind-${c.kind}`,
            "aria-selected": String(i === open.selected),
            onmousedown: (e) => {
              e.preventDefault();
              accept(i);
            },
          },
          h("span", { class: "name" }, c.text),
          h("span", { class: "muted" }, ` ${c.kind}${c.detail ? ` · ${c.detail}` : ""}`),
        ),
      ),
    );
    // Below the caret: the text is monospaced, so its position is its line and column.
    const before = textarea.value.slice(0, open.start);
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n") - 1;
    const style = getComputedStyle(textarea);
    const charWidth = probe.getBoundingClientRect().width / 20;
    const lineHeight = parseFloat(style.lineHeight);
    list.style.top = `${parseFloat(style.paddingTop) + line * lineHeight - textarea.scrollTop + 2}px`;
    const left = parseFloat(style.paddingLeft) + column * charWidth - textarea.scrollLeft;
    list.style.left = `${Math.max(0, Math.min(left, textarea.clientWidth - 200))}px`;
  }

  function accept(i) {
    const c = open.choices[i];
    const text = c.kind === "keyword" ? c.text : asIdentifier(c.text);
    textarea.setRangeText(text, open.start, open.end, "end");
    showList(null);
    highlight();
    textarea.focus();
  }

  textarea.addEventListener("input", () => {
    highlight();
    showList(candidates(false));
  });
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("blur", () => showList(null));
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      showList(null);
      run();
    } else if (e.key === " " && e.ctrlKey) {
      e.preventDefault();
      showList(candidates(true));
    } else if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const n = open.choices.length;
      showList({ ...open, selected: (open.selected + (e.key === "ArrowDown" ? 1 : n - 1)) % n });
    } else if (open && (e.key === "Enter" || e.key === "Tab")) {
      e.preventDefault();
      accept(open.selected);
    } else if (open && e.key === "Escape") {
      e.preventDefault();
      showList(null);
    }
  });
  highlight();

  return {
    element,
    textarea,
    setSchema(next) {
      tables = next;
    },
    setText(text) {
      textarea.value = text;
      highlight();
      showList(null);
    },
    focus() {
      textarea.focus();
    },
  };
}
