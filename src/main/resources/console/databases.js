// The databases page: every database of the account with its size, tables, region and queries
// over the last day (a sparkline); create; delete after its name is typed.
import { db } from "./api.js";
import { h, errorBox, showError, busy, bytes } from "./dom.js";
import { confirmByName } from "./confirmname.js";
import { dailyActivity } from "./activity.js";
import { sparkline } from "./charts.js";

const HINTS = ["", "wnam", "enam", "weur", "eeur", "apac", "oc"];
const PER_PAGE = 1000;
/** Columns left out on a narrow screen (class "wide"): the name links to the rest. */
const WIDE = new Set(["UUID", "Queries (24 h)", "Created"]);
/** Detail requests in flight at once, so a long list does not flood the server. */
const DETAIL_REQUESTS = 4;

/** Every database of the account, page by page like wrangler (until a short page). */
async function listAll() {
  const all = [];
  for (let page = 1; ; page++) {
    const items = await db("GET", "", { query: { page, per_page: PER_PAGE } });
    all.push(...items);
    if (items.length < PER_PAGE) return all;
  }
}

export function databasesPage() {
  const errors = errorBox();
  const body = h("tbody");
  const table = h(
    "table",
    { class: "grid", id: "databases" },
    h("thead", {}, h("tr", {}, ["Name", "UUID", "Region", "Tables", "Size", "Queries (24 h)", "Created", ""].map((t) => h("th", { class: WIDE.has(t) ? "wide" : undefined }, t)))),
    body,
  );
  const empty = h("p", { class: "muted", hidden: true }, "No databases yet.");

  const name = h("input", { id: "new-name", required: true, placeholder: "name" });
  const hint = h("select", { id: "new-location" }, ...HINTS.map((v) => h("option", { value: v }, v || "default region")));
  const createErrors = errorBox();
  const create = h("button", { type: "submit" }, "Create database");
  const form = h("form", { class: "row" }, name, hint, create);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    busy(create, createErrors, async () => {
      const body = { name: name.value.trim() };
      if (hint.value) body.primary_location_hint = hint.value;
      await db("POST", "", { body });
      name.value = "";
      await load();
    });
  });

  async function remove(item, button) {
    const sure = await confirmByName(`Delete database "${item.name}" (${item.uuid})? This cannot be undone.`, item.name, "Delete");
    if (!sure) return;
    await busy(button, errors, async () => {
      await db("DELETE", `/${item.uuid}`);
      await load();
    });
  }

  function row(item) {
    const cells = {
      region: h("td"),
      tables: h("td", { class: "num tables" }),
      size: h("td", { class: "num size" }),
      activity: h("td", { class: "activity wide" }),
    };
    activityCells.set(item.uuid, cells.activity);
    const del = h("button", { class: "danger small", title: `Delete ${item.name}` }, "Delete");
    del.addEventListener("click", () => remove(item, del));
    details.push(async () => {
      try {
        const d = await db("GET", `/${item.uuid}`, { query: { fields: "num_tables,file_size,running_in_region" } });
        cells.region.textContent = d.running_in_region ?? "";
        cells.tables.textContent = d.num_tables ?? "";
        cells.size.textContent = bytes(d.file_size);
      } catch (e) {
        showError(errors, e);
      }
    });
    return h(
      "tr",
      { "data-name": item.name },
      h("td", {}, h("a", { href: `#/db/${item.uuid}` }, item.name)),
      h("td", { class: "mono wide" }, item.uuid),
      cells.region,
      cells.tables,
      cells.size,
      cells.activity,
      h("td", { class: "wide" }, new Date(item.created_at).toLocaleString()),
      h("td", {}, del),
    );
  }

  /** Row detail fetches: the list carries no sizes, so each row asks for its own, a few at a time. */
  let details = [];
  /** Each row's activity cell by database uuid, filled by one analytics request for them all. */
  const activityCells = new Map();

  async function showActivity() {
    try {
      const of = await dailyActivity();
      for (const [uuid, cell] of activityCells) {
        const counts = of(uuid);
        const total = counts.reduce((a, v) => a + v, 0);
        cell.replaceChildren(sparkline(counts, `${total} queries in the last 24 hours`), h("span", { class: "muted" }, ` ${total}`));
      }
    } catch (e) {
      showError(errors, e);
    }
  }

  async function load() {
    try {
      const items = await listAll();
      items.sort((a, b) => a.name.localeCompare(b.name));
      details = [];
      activityCells.clear();
      body.replaceChildren(...items.map(row));
      empty.hidden = items.length > 0;
      showError(errors, null);
      showActivity();
      const queue = details;
      const worker = async () => {
        while (queue.length) await queue.shift()();
      };
      await Promise.all(Array.from({ length: DETAIL_REQUESTS }, worker));
    } catch (e) {
      showError(errors, e);
    }
  }
  load();

  return h(
    "section",
    { class: "page" },
    h("h1", {}, "Databases"),
    h("div", { class: "card" }, h("h2", {}, "New database"), form, createErrors),
    errors,
    table,
    empty,
  );
}
