// A failed import's statement. The server names it by number ("Statement 2 failed: …", counting the
// file's statements as sqltokens.js splits them); this finds it in the chosen file and shows its
// text, and says that the statements before it were rolled back with it.
import { h } from "./dom.js";
import { statements } from "./sqltokens.js";

/** Files up to this size are read again to show the statement; larger ones name it only. */
const READ_UP_TO = 64 * 1024 * 1024;

/** Statements longer than this are shown cut. */
const SHOWN_CHARS = 2000;

export function failingStatement() {
  const summary = h("p", { id: "import-failure-summary" });
  const text = h("pre", { class: "schema", id: "import-failed-statement" });
  const element = h("div", { class: "import-failure", hidden: true }, summary, text);
  return {
    element,
    /** Shows the statement `error` names from `file`; hides the box when there is none. */
    async show(file, error) {
      const n = Number(/^Statement (\d+) failed/.exec(error ?? "")?.[1] ?? 0);
      element.hidden = !n;
      if (!n) return;
      summary.textContent = `Statement ${n} failed; the ${n - 1} before it were rolled back with it, so nothing was applied.`;
      text.hidden = file.size > READ_UP_TO;
      if (text.hidden) return;
      const found = statements(await file.text())[n - 1]?.text;
      text.textContent = found === undefined ? "(not found in the file)" : found.length > SHOWN_CHARS ? `${found.slice(0, SHOWN_CHARS)}…` : found;
    },
  };
}
