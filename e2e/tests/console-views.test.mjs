// The console's views in a real headless Chromium: sign-in, the narrow layout, the delete
// confirmation, a database's overview charts, the database list's figures, insights and the
// time-travel timeline. Each checks what the page shows against what the API was made to do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { server, uniqueName, createDatabase, call } from "./harness.mjs";
import { openBrowser, shot } from "./chromium.mjs";

let context;
let page;
let browserErrors;

before(async () => {
  ({ context, page, errors: browserErrors } = await openBrowser());
});

after(async () => {
  await context?.close();
});

/** Opens the console with a clean session and signs in with the server's token. */
async function signIn() {
  await page.goto(`${server.base}/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.locator("#token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Databases" }).waitFor();
}

/** Runs SQL through the REST API (not the console), failing the test on an error. */
async function query(uuid, sql, params) {
  const r = await call("POST", `/accounts/${server.account}/d1/database/${uuid}/query`, { body: { sql, params } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result;
}

test("sign-in shows no account choice until a token names more than one", async () => {
  await page.goto(`${server.base}/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.locator("#token").waitFor();
  // The label was display: block over its hidden attribute, so an empty dropdown showed.
  assert.equal(await page.locator("#account-choice").isVisible(), false);
  assert.equal(await page.locator("label", { has: page.locator("#account-choice") }).isVisible(), false);
  await shot(page, "signin", { forDocs: true });
  await page.locator("#token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Databases" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("opend1.account")), server.account);
  assert.deepEqual(browserErrors, []);
});

test("deleting a database asks for its name, and the button waits for it", async () => {
  const name = uniqueName("doomed");
  await createDatabase(name);
  await signIn();
  const row = page.locator(`#databases tr[data-name="${name}"]`);
  const dialog = page.locator("dialog.confirm");
  const go = dialog.getByRole("button", { name: "Delete" });

  await row.getByRole("button", { name: "Delete" }).click();
  assert.equal(await go.isDisabled(), true, "disabled before anything is typed");
  await dialog.locator("#confirm-name").fill(name.slice(0, -1));
  assert.equal(await go.isDisabled(), true, "disabled for a prefix of the name");
  await dialog.locator("#confirm-name").fill(name + " ");
  assert.equal(await go.isDisabled(), true, "disabled for the name and more");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await row.count(), 1, "cancel keeps the database");

  await row.getByRole("button", { name: "Delete" }).click();
  await dialog.locator("#confirm-name").fill(name);
  assert.equal(await go.isEnabled(), true, "enabled once the name matches");
  await shot(page, "delete-confirmation", { forDocs: true });
  await go.click();
  await row.waitFor({ state: "detached" });
  const gone = await call("GET", `/accounts/${server.account}/d1/database/${name}`);
  assert.equal(gone.status, 404);
  assert.deepEqual(browserErrors, []);
});

/** Asserts each locator is visible and lies wholly inside a viewport `width` wide. */
async function insideViewport(width, locators) {
  for (const [what, locator] of Object.entries(locators)) {
    assert.equal(await locator.isVisible(), true, `${what} is visible`);
    const box = await locator.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width, `${what} spans ${box.x}..${box.x + box.width}, inside 0..${width}`);
  }
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `the page is ${scrollWidth} px wide, no wider than ${width}`);
}

test("the console is usable 420 px wide", async () => {
  const name = uniqueName("narrow-layout-database");
  await createDatabase(name);
  await page.setViewportSize({ width: 420, height: 860 });
  try {
    await signIn();
    const row = page.locator(`#databases tr[data-name="${name}"]`);
    await row.waitFor();
    await insideViewport(420, {
      "the name field": page.locator("#new-name"),
      "the region choice": page.locator("#new-location"),
      "the create button": page.getByRole("button", { name: "Create database" }),
      "sign out": page.getByRole("button", { name: "Sign out" }),
      "the database's link": row.getByRole("link", { name }),
      "its delete button": row.getByRole("button", { name: "Delete" }),
    });
    await shot(page, "narrow", { forDocs: true });

    await row.getByRole("link", { name }).click();
    await page.getByRole("heading", { name }).waitFor();
    const tabs = {};
    for (const a of await page.locator(".tabs a").all()) tabs[`the ${await a.textContent()} tab`] = a;
    await insideViewport(420, tabs);
    await page.locator(".tabs a", { hasText: "Time travel" }).click();
    await insideViewport(420, {
      "the bookmark field": page.locator("#restore-bookmark"),
      "the restore button": page.locator("#restore"),
    });
  } finally {
    await page.setViewportSize({ width: 1200, height: 760 });
  }
  assert.deepEqual(browserErrors, []);
});

/** The figures a chart card plots: its series' totals and its number of points. */
async function chartData(key) {
  const card = page.locator(`.chart[data-chart="${key}"]`);
  await card.locator("canvas").waitFor();
  return { totals: JSON.parse(await card.getAttribute("data-totals")), points: Number(await card.getAttribute("data-points")) };
}

test("the overview charts a known number of queries and rows", async () => {
  const name = uniqueName("overview");
  const uuid = await createDatabase(name);
  const statements = [
    "CREATE TABLE visits(id INTEGER PRIMARY KEY, page TEXT)",
    "INSERT INTO visits(page) VALUES ('home'), ('about'), ('shop')",
    "INSERT INTO visits(page) VALUES ('home')",
    ...Array.from({ length: 5 }, (_, i) => `SELECT * FROM visits WHERE id > ${i}`),
  ];
  let rowsRead = 0;
  let rowsWritten = 0;
  for (const sql of statements) {
    const [r] = await query(uuid, sql);
    rowsRead += r.meta.rows_read;
    rowsWritten += r.meta.rows_written;
  }

  await signIn();
  await page.goto(`${server.base}/#/db/${uuid}`);
  await page.getByRole("heading", { name }).waitFor();
  assert.equal(await page.locator(".tabs a.active").textContent(), "Overview", "the overview is the default tab");
  const hour = await chartData("queries");
  assert.deepEqual(hour.totals, { "Read queries": 5, "Write queries": 3 });
  assert.equal(hour.points, 60, "one point per minute of the hour");
  assert.deepEqual((await chartData("rows")).totals, { "Rows read": rowsRead, "Rows written": rowsWritten });
  const latency = await chartData("latency");
  assert.ok(latency.totals.p90 >= latency.totals.p50 && latency.totals.p50 > 0, JSON.stringify(latency.totals));
  assert.ok((await chartData("storage")).totals["Database size"] > 0);
  await shot(page, "overview", { forDocs: true, fullPage: true });

  for (const [range, points] of [["Day", 24], ["Week", 168], ["Month", 30]]) {
    await page.locator("#overview .ranges button", { hasText: range }).click();
    await page.locator(`#overview-charts[data-range="${range.toLowerCase()}"]`).waitFor();
    const chart = await chartData("queries");
    assert.deepEqual(chart.totals, { "Read queries": 5, "Write queries": 3 }, range);
    assert.equal(chart.points, points, range);
  }
  assert.deepEqual(browserErrors, []);
});

/** What the console shows for `n` bytes (dom.js's bytes()). */
function bytes(n) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

test("the database list shows each database's size, tables and a day of activity", async () => {
  const name = uniqueName("listed");
  const uuid = await createDatabase(name);
  await query(uuid, "CREATE TABLE a(x)");
  await query(uuid, "CREATE TABLE b(y)");
  await query(uuid, "INSERT INTO a(x) SELECT value FROM json_each(?)", [JSON.stringify(Array.from({ length: 3000 }, (_, i) => `row ${i} ${"x".repeat(40)}`))]);
  for (let i = 0; i < 4; i++) await query(uuid, "SELECT count(*) FROM a");
  const details = await call("GET", `/accounts/${server.account}/d1/database/${uuid}`);
  const size = details.body.result.file_size;
  assert.ok(size > 100_000, `a database of ${size} bytes`);

  await signIn();
  const row = page.locator(`#databases tr[data-name="${name}"]`);
  await row.locator("td.tables", { hasText: "2" }).waitFor();
  assert.equal(await row.locator("td.size").textContent(), bytes(size));
  const spark = row.locator("td.activity svg.sparkline");
  await spark.waitFor();
  assert.equal(await spark.getAttribute("data-total"), "7", "7 queries ran in the last day");
  assert.equal(await spark.locator("polyline").getAttribute("points").then((p) => p.split(" ").length), 24, "one point an hour");
  await shot(page, "database-list", { forDocs: true });
  assert.deepEqual(browserErrors, []);
});

/** The statement shapes an insights list shows, top first, with their figures. */
async function insightsList(key) {
  return page.locator(`#insights-lists [data-list="${key}"] tbody tr`).evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll("td")].map((td) => td.textContent);
      return { query: cells[0], count: Number(cells[1]), totalMs: parseFloat(cells[2]), rowsRead: Number(cells[5]) };
    }),
  );
}

test("insights list the slowest query first and show a query's plan", async () => {
  const name = uniqueName("insights");
  const uuid = await createDatabase(name);
  await query(uuid, "CREATE TABLE nums(id INTEGER PRIMARY KEY, n INTEGER)");
  await query(uuid, "INSERT INTO nums(n) SELECT value FROM json_each(?)", [JSON.stringify(Array.from({ length: 2000 }, (_, i) => i))]);
  const slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) FROM c";
  for (let i = 0; i < 2; i++) await query(uuid, slow);
  for (let i = 0; i < 12; i++) await query(uuid, `SELECT * FROM nums WHERE id = ${i + 1}`);
  for (let i = 0; i < 3; i++) await query(uuid, "SELECT sum(n) FROM nums");

  await signIn();
  await page.goto(`${server.base}/#/db/${uuid}/insights`);
  await page.locator('#insights-lists[data-range="day"] [data-list="time"] tbody tr').first().waitFor();

  const byTime = await insightsList("time");
  assert.match(byTime[0].query, /^WITH RECURSIVE c\(x\) AS \(SELECT \? UNION ALL SELECT x \+ \? FROM c WHERE x < \?\)/);
  assert.equal(byTime[0].count, 2);
  for (let i = 1; i < byTime.length; i++) assert.ok(byTime[i - 1].totalMs >= byTime[i].totalMs, "by total time, descending");
  const byCount = await insightsList("count");
  assert.deepEqual(byCount[0], { ...byCount[0], query: "SELECT * FROM nums WHERE id = ?", count: 12 });
  const byRows = await insightsList("rows");
  for (let i = 1; i < byRows.length; i++) assert.ok(byRows[i - 1].rowsRead >= byRows[i].rowsRead, "by rows read, descending");
  assert.equal(byRows.find((r) => r.query === "SELECT sum(n) FROM nums").rowsRead, 3 * 2000, "three scans of 2,000 rows");

  // A shape with a parameter is explained with it bound to NULL.
  await page.locator('#insights-lists [data-list="count"] tbody tr').first().getByRole("button").click();
  await page.locator("#query-plan", { hasText: "SEARCH nums USING INTEGER PRIMARY KEY (rowid=?)" }).waitFor();
  assert.equal(await page.locator("#plan-query").textContent(), "SELECT * FROM nums WHERE id = ?");
  await page.locator('#insights-lists [data-list="time"] tbody tr').first().getByRole("button").click();
  await page.locator("#query-plan", { hasText: "RECURSIVE STEP" }).waitFor();
  assert.equal(await page.locator("#insights-error").isHidden(), true);
  await shot(page, "insights", { forDocs: true, fullPage: true });
  assert.deepEqual(browserErrors, []);
});

test("the time-travel timeline lists the commits, and picking one restores it after naming it", async () => {
  const name = uniqueName("timeline");
  const uuid = await createDatabase(name);
  const bookmarkNow = async () => (await call("GET", `/accounts/${server.account}/d1/database/${uuid}/time_travel/bookmark`)).body.result.bookmark;
  const made = [await bookmarkNow()];
  await query(uuid, "CREATE TABLE notes(body TEXT)");
  made.push(await bookmarkNow());
  for (const body of ["one", "two", "three"]) {
    await query(uuid, "INSERT INTO notes VALUES (?)", [body]);
    made.push(await bookmarkNow());
  }

  await signIn();
  await page.goto(`${server.base}/#/db/${uuid}/time-travel`);
  const chart = page.locator('#timeline-chart[data-range="day"]');
  await chart.locator("canvas").waitFor();
  assert.equal(await chart.getAttribute("data-writes"), "4", "four writes charted");
  assert.equal(await chart.getAttribute("data-commits"), String(made.length));
  const listed = await page.locator("#commits li").evaluateAll((items) => items.map((li) => li.dataset.bookmark));
  assert.deepEqual(listed, [...made].reverse(), "every commit, newest first");

  // Pick the commit after the first insert; the confirmation names it before anything happens.
  const target = made[2];
  await page.locator(`#commits li[data-bookmark="${target}"]`).getByRole("button").click();
  assert.equal(await page.locator("#restore-bookmark").inputValue(), target);
  await page.locator("#restore").click();
  const dialog = page.locator("dialog.confirm");
  assert.match(await dialog.textContent(), new RegExp(`Restore this database to bookmark ${target}`));
  await shot(page, "time-travel-confirm", { forDocs: true });
  await dialog.getByRole("button", { name: "Restore" }).click();
  await page.locator("#restore-outcome", { hasText: "Database restored successfully" }).waitFor();
  assert.equal(await page.locator("#restored-to").textContent(), target);
  assert.equal(await page.locator("#previous-bookmark").textContent(), made.at(-1), "the undo bookmark is the last commit before");
  const [rows] = await query(uuid, "SELECT body FROM notes");
  assert.deepEqual(rows.results, [{ body: "one" }]);

  // The restore is a commit of its own: the timeline shows it on top.
  await page.locator(`#commits li:first-child`).filter({ hasNotText: made.at(-1) }).waitFor();
  assert.equal(await page.locator("#commits li").count(), made.length + 1);
  await page.locator("#timeline").scrollIntoViewIfNeeded();
  await shot(page, "time-travel-timeline", { forDocs: true, fullPage: true });

  // A time is resolved to its bookmark before the question is asked.
  await page.locator("#restore-time").fill("2099-01-01T00:00:00");
  await page.locator("#restore").click();
  await page.locator("#time-travel-error", { hasText: "it is in the future" }).waitFor();
  assert.equal(await dialog.count(), 0, "nothing is asked for a time that has no bookmark");
  assert.deepEqual(browserErrors, []);
});
