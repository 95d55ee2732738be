// "Branch from here": a new database whose first state is this one's at a commit (opend1's create
// with `from`, docs/time-travel.md#beyond-d1-branching-a-database-from-a-bookmark). Asks for the
// new database's name, creates it, and links to it; the source is only read.
import { db } from "./api.js";
import { h } from "./dom.js";

/** Asks for the branch's name in a modal dialog; resolves to it, or null when cancelled. */
function askName(at) {
  return new Promise((resolve) => {
    const name = h("input", { type: "text", id: "branch-name", required: true, size: 30, placeholder: "new database name" });
    const dialog = h(
      "dialog",
      { class: "confirm", id: "branch-dialog" },
      h(
        "form",
        { method: "dialog" },
        h("h2", {}, "Branch from this commit"),
        h("p", {}, "A new database starts with this database's state at ", h("code", {}, at), ". This database is not changed."),
        h("p", {}, h("label", {}, "Name ", name)),
        h("div", { class: "row end" }, h("button", { value: "cancel", formnovalidate: true }, "Cancel"), h("button", { value: "ok", class: "primary" }, "Create branch")),
      ),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "ok" ? name.value.trim() : null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Branches `database` at `target` ({bookmark} or {timestamp}) after asking for a name. Resolves to
 * the outcome's element (what was made, with a link to open it), or null when cancelled; rejects
 * with the server's error.
 */
export async function branchFrom(database, target) {
  const name = await askName(target.bookmark ?? `the last commit at or before ${target.timestamp}`);
  if (!name) return null;
  const made = await db("POST", "", { body: { name, from: { database: database.id, ...target } } });
  return h(
    "div",
    { id: "branch-outcome" },
    h("p", {}, "Created ", h("strong", {}, made.name), " from ", h("code", {}, target.bookmark ?? target.timestamp), "."),
    h("p", {}, h("a", { href: `#/db/${encodeURIComponent(made.uuid)}/tables`, id: "branch-open" }, `Open ${made.name}`)),
  );
}
