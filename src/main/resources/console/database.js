// One database: its details and its tabs (overview, insights, tables, SQL, time travel, export/import). The tabs
// are panels of one page, so switching tabs keeps what each holds (a result, an undo, a job).
import { db } from "./api.js";
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

  async function refresh() {
    try {
      const d = await db("GET", `/${encodeURIComponent(id)}`);
      title.textContent = d.name;
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
    nav,
    holder,
  );

  return {
    id,
    element,
    show(tab) {
      if (!panels[tab]) tab = DEFAULT_TAB;
      for (const [key, panel] of Object.entries(panels)) panel.element.hidden = key !== tab;
      for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", a.dataset.tab === tab);
      panels[tab].shown?.();
    },
  };
}
