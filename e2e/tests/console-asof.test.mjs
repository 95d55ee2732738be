// "View as of" in real Chromium: a commit picked on the time-travel timeline is viewed read-only.
// The row browser and the SQL tab read exactly that commit's rows (every /query and /raw call
// carries its bookmark), the edit controls are gone, a typed write is refused with the server's
// message; "Back to now" reads the live database again; a typed bookmark is viewed the same way,
// and a refused one is shown as an error. Data is made and checked through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { call, createDatabase, uniqueName, server } from "./harness.mjs";
import { openBrowser, signInTo } from "./chromium.mjs";

let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.context.close();
});

/** Runs SQL through the API (live); resolves to each statement's rows. */
async function sql(id, text) {
  const r = await call("POST", `/accounts/${server.account}/d1/database/${id}/raw`, { body: { sql: text } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result.map((x) => x.results.rows);
}

async function bookmarkNow(id) {
  const r = await call("GET", `/accounts/${server.account}/d1/database/${id}/time_travel/bookmark`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result.bookmark;
}

/** The row browser's cells, row by row (with the actions column, when there is one). */
async function browsed() {
  return page.locator("#browse-grid tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
}

/** Runs `text` in the SQL tab's editor and waits for its answer. */
async function runEditor(text) {
  await page.locator("#sql").fill(text);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/raw"));
  await page.locator("#sql").press("Control+Enter");
  await answered;
  await page.locator("#run:enabled").waitFor();
}

async function tab(name) {
  await page.locator(`nav.tabs a[data-tab="${name}"]`).click();
}

/** Opens the rows of `items` in the Tables tab and waits for `status`. */
async function browseItems(status) {
  await tab("tables");
  const card = page.locator('#tables details[data-table="items"]');
  await card.locator("button.browse").click();
  await page.locator("#browse-status", { hasText: status }).waitFor();
}

test("viewing a picked commit reads its rows read-only everywhere, and Back to now reads the live database", async () => {
  const id = await createDatabase(uniqueName("asof"));
  await sql(id, "CREATE TABLE items(id INTEGER PRIMARY KEY, label TEXT)");
  // Three commits; the middle one is viewed. The third also changes a row the middle one has.
  const commits = [];
  for (const text of [
    "INSERT INTO items(label) VALUES ('a'), ('b')",
    "INSERT INTO items(label) VALUES ('c'), ('d')",
    "INSERT INTO items(label) VALUES ('e'), ('f'); UPDATE items SET label = 'B' WHERE id = 2",
  ]) {
    await sql(id, text);
    commits.push(await bookmarkNow(id));
  }
  const middle = commits[1];

  // Every read the console sends while viewing must name the middle bookmark.
  const reads = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (/\/(query|raw)$/.test(url.pathname)) reads.push(url.searchParams.get("bookmark"));
  });

  await signInTo(page, id, "time-travel");
  await page.locator(`#commits li[data-bookmark="${middle}"]`).getByRole("button", { name: "Pick" }).click();
  assert.equal(await page.locator("#restore-bookmark").inputValue(), middle);
  assert.equal(await page.locator("#as-of-banner").isHidden(), true, "no banner before viewing");
  await page.locator("#view-as-of").click();
  await page.locator("#as-of-banner").waitFor();
  assert.equal(await page.locator("#as-of-bookmark").textContent(), middle);
  assert.match(await page.locator("#as-of-banner").textContent(), /^Read-only: viewing the state at \S+ \(.+\) — Back to now$/);
  reads.length = 0;

  // The table list and the row browser show the middle commit's rows, without edit controls.
  await browseItems("Rows 1–4 of 4");
  assert.equal(await page.locator('#tables details[data-table="items"] .rows').textContent(), "4 rows");
  assert.deepEqual(await browsed(), [
    ["1", "a"],
    ["2", "b"],
    ["3", "c"],
    ["4", "d"],
  ]);
  assert.equal(await page.locator("#browse-grid .delete-row").count(), 0, "no Delete buttons");
  assert.equal(await page.locator("#browse-grid td.editable").count(), 0, "no editable cells");
  assert.equal(await page.locator("#browse-insert").isHidden(), true, "no Insert row");
  await page.locator("#browse-read-only").waitFor();
  await browser.shot("view-as-of", { forDocs: true });

  // The SQL tab reads the same state, and a write is refused with the server's message in place.
  await tab("sql");
  await runEditor("SELECT count(*) AS n FROM items");
  assert.deepEqual(await page.locator("#results table.results tbody tr td").allTextContents(), ["4"]);
  await runEditor("INSERT INTO items(label) VALUES ('typed')");
  const refusal = await page.locator("#sql-error").textContent();
  assert.match(refusal, /attempt to write a readonly database: this request reads the state at bookmark /);
  assert.ok(refusal.includes(middle), refusal);
  assert.deepEqual(await sql(id, "SELECT count(*) AS n FROM items"), [[[6]]], "nothing was written");
  assert.ok(reads.length >= 4, `reads seen: ${reads.length}`);
  assert.deepEqual([...new Set(reads)], [middle], "every read while viewing names the middle bookmark");

  // Leaving the database and coming back keeps viewing the same commit.
  await page.getByRole("link", { name: "← Databases" }).click();
  await page.getByRole("heading", { name: "Databases" }).waitFor();
  await page.evaluate((hash) => (location.hash = hash), `#/db/${id}/sql`);
  await page.locator("#as-of-banner").waitFor();
  assert.equal(await page.locator("#as-of-bookmark").textContent(), middle);
  await runEditor("SELECT count(*) AS n FROM items");
  assert.deepEqual(await page.locator("#results table.results tbody tr td").allTextContents(), ["4"]);
  assert.deepEqual([...new Set(reads)], [middle]);

  // Back to now: live reads again, with the edit controls back.
  reads.length = 0;
  await page.locator("#back-to-now").click();
  await page.locator("#as-of-banner").waitFor({ state: "hidden" });
  assert.equal(await page.locator("#results").textContent(), "", "the past state's results are cleared");
  await runEditor("SELECT count(*) AS n FROM items");
  assert.deepEqual(await page.locator("#results table.results tbody tr td").allTextContents(), ["6"]);
  // (The page was made afresh on coming back, so no browser is open yet.)
  await browseItems("Rows 1–6 of 6");
  assert.deepEqual(
    (await browsed()).map((r) => r[1]),
    ["a", "B", "c", "d", "e", "f"],
  );
  assert.equal(await page.locator("#browse-grid .delete-row").count(), 6);
  assert.equal(await page.locator("#browse-insert").isHidden(), false);
  assert.equal(await page.locator("#browse-read-only").count(), 0);
  assert.deepEqual([...new Set(reads)], [null], "no read after Back to now names a bookmark");

  // A typed bookmark is viewed too (the first commit's), and one the server refuses is shown in
  // place, leaving the live view alone.
  await tab("time-travel");
  await page.locator("#restore-bookmark").fill("00000000-00000000-7fffffff-0000000000000000");
  await page.locator("#view-as-of").click();
  await page.locator("#time-travel-error").waitFor();
  assert.equal(await page.locator("#as-of-banner").isHidden(), true, "a refused bookmark is not viewed");
  await page.locator("#restore-bookmark").fill(commits[0]);
  await page.locator("#view-as-of").click();
  await page.locator("#as-of-banner").waitFor();
  assert.equal(await page.locator("#as-of-bookmark").textContent(), commits[0]);
  assert.equal(await page.locator("#time-travel-error").isHidden(), true);
  await tab("tables");
  await page.locator("#browse-status", { hasText: "Rows 1–2 of 2" }).waitFor();
  assert.deepEqual(await browsed(), [
    ["1", "a"],
    ["2", "b"],
  ]);
  await page.locator("#back-to-now").click();
  await page.locator("#browse-status", { hasText: "Rows 1–6 of 6" }).waitFor();
  assert.deepEqual(browser.errors, []);
});
