// The time-travel tab: the current bookmark; a timeline of the commits (timeline.js) to pick one
// from; find the bookmark of a past time; view the database as of a time or a bookmark (asof.js:
// every tab then reads that state, read-only); branch a new database from it (branch.js); restore
// to one, asking first with the bookmark it will restore to; undo a restore with the
// previous_bookmark it returned; and what changed between two commits (diff.js).
import { db } from "./api.js";
import { viewAsOf } from "./asof.js";
import { branchFrom } from "./branch.js";
import { diffCard } from "./diff.js";
import { h, errorBox, showError, busy, confirmDialog } from "./dom.js";
import { commitTimeline } from "./timeline.js";

/** A datetime-local value (the browser's local time) as an ISO 8601 instant. */
const instant = (local) => new Date(local).toISOString();

export function timeTravelPanel(database) {
  const path = () => `/${encodeURIComponent(database.id)}/time_travel`;
  const current = h("code", { id: "current-bookmark" }, "…");
  const errors = errorBox();
  errors.id = "time-travel-error";

  const byTime = h("input", { type: "radio", name: "target", value: "time", checked: true });
  const byBookmark = h("input", { type: "radio", name: "target", value: "bookmark" });
  const time = h("input", { type: "datetime-local", id: "restore-time", step: 1 });
  const bookmark = h("input", { id: "restore-bookmark", size: 70, placeholder: "00000000-00000000-00000000-…" });
  const found = h("code", { id: "found-bookmark" });
  const find = h("button", { type: "button" }, "Find bookmark");
  const view = h("button", { type: "button", id: "view-as-of", title: "Browse and query this state, read-only" }, "View as of this commit");
  const branch = h("button", { type: "button", id: "branch", title: "Create a new database from this commit" }, "Branch from here…");
  const restore = h("button", { type: "button", class: "danger", id: "restore" }, "Restore…");
  const outcome = h("div", { id: "restore-outcome", class: "card", hidden: true });
  const branched = h("div", { class: "card", id: "branch-result", hidden: true });

  /** A commit picked on the timeline fills the form, ready to view or restore it. */
  const timelineCard = commitTimeline(database, (picked) => {
    bookmark.value = picked.bookmark;
    byBookmark.checked = true;
    restoreCard.scrollIntoView({ block: "nearest" });
    view.focus();
  });

  time.addEventListener("input", () => (byTime.checked = true));
  bookmark.addEventListener("input", () => (byBookmark.checked = true));

  const restoreCard = h(
    "div",
    { class: "card", id: "restore-form" },
    h("h2", {}, "View or restore a past state"),
    h("p", {}, h("label", {}, byTime, " At a time "), time, " ", find, " ", found),
    h("p", {}, h("label", {}, byBookmark, " At a bookmark "), bookmark),
    h("div", { class: "row" }, view, branch, restore),
  );

  async function loadCurrent() {
    try {
      current.textContent = (await db("GET", `${path()}/bookmark`)).bookmark;
    } catch (e) {
      showError(errors, e);
    }
  }

  /** The restore target as D1's query parameter: {bookmark} or {timestamp}. */
  function target() {
    if (byBookmark.checked) {
      if (!bookmark.value.trim()) throw new Error("Enter a bookmark, or pick a commit above.");
      return { bookmark: bookmark.value.trim() };
    }
    if (!time.value) throw new Error("Pick a time, or a commit above.");
    return { timestamp: instant(time.value) };
  }

  find.addEventListener("click", () =>
    busy(find, errors, async () => {
      if (!time.value) throw new Error("Pick a time first.");
      found.textContent = (await db("GET", `${path()}/bookmark`, { query: { timestamp: instant(time.value) } })).bookmark;
    }),
  );

  async function restoreTo(query, question) {
    if (!(await confirmDialog(question, "Restore"))) return;
    const r = await db("POST", `${path()}/restore`, { query });
    const undo = h("button", { type: "button", id: "undo" }, "Undo this restore");
    undo.addEventListener("click", () =>
      busy(undo, errors, () =>
        restoreTo({ bookmark: r.previous_bookmark }, `Undo: restore back to ${r.previous_bookmark}?`),
      ),
    );
    outcome.replaceChildren(
      h("p", {}, h("strong", {}, r.message)),
      h("p", {}, "Restored to ", h("code", { id: "restored-to" }, query.bookmark)),
      h("p", {}, "Now at ", h("code", { class: "new-bookmark" }, r.bookmark)),
      h("p", {}, "Before the restore: ", h("code", { id: "previous-bookmark" }, r.previous_bookmark)),
      undo,
    );
    outcome.hidden = false;
    database.changed();
    await Promise.all([loadCurrent(), timelineCard.load()]);
  }

  view.addEventListener("click", () =>
    busy(view, errors, async () => {
      const query = target();
      // One read of the past state: the server checks the bookmark (or resolves the time) and
      // names the commit it read, exactly as every as-of read after it will. Both parameters are
      // given so that the state viewed now, if any, does not add its own.
      const [out] = await db("POST", `/${encodeURIComponent(database.id)}/raw`, {
        body: { sql: "SELECT 1" },
        query: { bookmark: undefined, timestamp: undefined, ...query },
      });
      const at = out.meta.bookmark;
      let when = timelineCard.timestampOf(at);
      if (!when && query.timestamp) {
        // A time typed: its commit is the last one at or before it.
        const [c] = await db("GET", `${path()}/commits`, { query: { until: query.timestamp, limit: 1 } });
        if (c?.bookmark === at) when = c.timestamp;
      }
      viewAsOf(database.id, at, when);
    }),
  );

  branch.addEventListener("click", () =>
    busy(branch, errors, async () => {
      const made = await branchFrom(database, target());
      if (!made) return;
      branched.replaceChildren(made);
      branched.hidden = false;
    }),
  );

  restore.addEventListener("click", () =>
    busy(restore, errors, async () => {
      const query = target();
      // A time is resolved to its bookmark first, so the question names exactly what is restored.
      let to = query.bookmark;
      let when = "";
      if (!to) {
        to = (await db("GET", `${path()}/bookmark`, { query })).bookmark;
        when = ` (the last commit at or before ${query.timestamp})`;
      }
      await restoreTo({ bookmark: to }, `Restore this database to bookmark ${to}${when}? Its current contents are replaced (you can undo).`);
    }),
  );

  return {
    element: h(
      "div",
      { class: "panel" },
      h("div", { class: "card" }, h("h2", {}, "Current bookmark"), h("p", {}, current)),
      timelineCard.element,
      restoreCard,
      errors,
      branched,
      outcome,
      diffCard(database, () => bookmark.value.trim()),
    ),
    shown: () => Promise.all([loadCurrent(), timelineCard.load()]),
  };
}
