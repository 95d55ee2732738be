// One database: its details and its tabs (overview, insights, tables, SQL, time travel, export/import). The tabs
// are panels of one page, so switching tabs keeps what each holds (a result, an undo, a job).
// While the database is viewed as of a past commit (asof.js), a banner above the tabs says so.
import { db } from "./api.js";
import { asOf, viewAsOf, onAsOfChange } from "./asof.js";
import { h, errorBox, showError, bytes } from "./dom.js";
import { tablesPanel } from "./tables.js";
import { sqlPanel } from "./sql.js";
import { timeTravelPanel } from "./timetravel.js";
import { transferPanel } from "./transfer.js";
import { overviewPanel } from "./overview.js";
import { insightsPanel } from "./insights.js";

const TABS = [
  ["overview", "Overview"],
  ["insights", "Insights"],
  ["tables", "Tables"],
  ["sql", "SQL"],
  ["time-travel", "Time travel"],
  ["transfer", "Export / import"],
];

/** The tab a database opens on. */
export const DEFAULT_TAB = "overview";

export function databasePage(id) {
  const title = h("h1", {}, id);
  const facts = h("p", { class: "muted", id: "db-facts" });
  const errors = errorBox();
  const database = {
    id,
    /** Refreshes the title line (after writes, restores and imports). */
    changed() {
      refresh();
    },
  };
  const panels = {
    overview: overviewPanel(database),
    insights: insightsPanel(database),
    tables: tablesPanel(database),
    sql: sqlPanel(database),
    "time-travel": timeTravelPanel(database),
    transfer: transferPanel(database),
  };
  const nav = h(
    "nav",
    { class: "tabs" },
    ...TABS.map(([key, label]) => h("a", { href: `#/db/${encodeURIComponent(id)}/${key}`, "data-tab": key }, label)),
  );
  const holder = h("div", { class: "panels" }, ...Object.values(panels).map((p) => p.element));
  const banner = asOfBanner(id);
  /** The tab shown, reloaded when the state viewed changes. */
  let shownTab = null;
  const stopFollowing = onAsOfChange(id, (state) => {
    banner.show(state);
    element.classList.toggle("as-of", !!state);
    for (const panel of Object.values(panels)) panel.asOfChanged?.(state);
    if (shownTab) panels[shownTab].shown?.();
  });

  async function refresh() {
    try {
      const d = await db("GET", `/${encodeURIComponent(id)}`);
      title.textContent = d.name;
      database.name = d.name;
      facts.textContent = `${d.uuid} · ${d.running_in_region} · ${d.num_tables} ${d.num_tables === 1 ? "table" : "tables"} · ${bytes(d.file_size)}`;
      showError(errors, null);
    } catch (e) {
      showError(errors, e);
    }
  }
  refresh();

  const element = h(
    "section",
    { class: "page" },
    h("p", {}, h("a", { href: "#/" }, "← Databases")),
    title,
    facts,
    errors,
    banner.element,
    nav,
    holder,
  );
  banner.show(asOf(id));
  element.classList.toggle("as-of", !!asOf(id));

  return {
    id,
    element,
    /** Called when the page is left: it no longer follows the state viewed. */
    close: stopFollowing,
    show(tab) {
      if (!panels[tab]) tab = DEFAULT_TAB;
      shownTab = tab;
      for (const [key, panel] of Object.entries(panels)) panel.element.hidden = key !== tab;
      for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", a.dataset.tab === tab);
      panels[tab].shown?.();
    },
  };
}

/** The banner of a database viewed as of a past commit: which commit, and the way back to now. */
function asOfBanner(id) {
  const at = h("code", { id: "as-of-bookmark" });
  const when = h("span", { id: "as-of-time" });
  const back = h("button", { type: "button", id: "back-to-now" }, "Back to now");
  back.addEventListener("click", () => viewAsOf(id, null));
  const element = h(
    "div",
    { class: "as-of-banner", id: "as-of-banner", role: "status", hidden: true },
    h("strong", {}, "Read-only: "),
    "viewing the state at ",
    at,
    when,
    " — ",
    back,
  );
  return {
    element,
    show(state) {
      element.hidden = !state;
      if (!state) return;
      at.textContent = state.bookmark;
      when.textContent = state.timestamp ? ` (${new Date(state.timestamp).toLocaleString()})` : "";
    },
  };
}
