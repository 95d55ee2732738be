// "View as of" in real Chromium: a commit picked on the time-travel timeline is viewed read-only.
// The row browser and the SQL tab read exactly that commit's rows (every /query and /raw call
// carries its bookmark), the edit controls are gone, a typed write is refused with the server's
// message; "Back to now" reads the live database again; a typed bookmark is viewed the same way,
// and a refused one is shown as an error. Data is made and checked through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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

/** Picks `bookmark` on the timeline (it fills the form's bookmark). */
async function pick(bookmark) {
  await page.locator(`#commits li[data-bookmark="${bookmark}"]`).getByRole("button", { name: "Pick" }).click();
}

/** The diff's rows of one table: [change, key, cells...] each. */
async function diffRows(table) {
  return page.locator(`.diff-table[data-table="${table}"] tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
}

test("a branch from a picked commit has that commit's rows; the diff of two commits shows their changes and downloads as SQL", async () => {
  const dbName = uniqueName("branch-diff");
  const id = await createDatabase(dbName);
  await sql(id, "CREATE TABLE items(id INTEGER PRIMARY KEY, label TEXT, data BLOB)");
  await sql(id, "INSERT INTO items(label) VALUES ('a'), ('b'), ('c')");
  const b1 = await bookmarkNow(id);
  await sql(id, "INSERT INTO items(label, data) VALUES ('d', X'00ff'); UPDATE items SET label = 'B' WHERE id = 2; DELETE FROM items WHERE id = 3; CREATE INDEX items_label ON items(label)");
  const b2 = await bookmarkNow(id);
  await sql(id, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150) INSERT INTO items(label) SELECT 'n' || x FROM c");

  await signInTo(page, id, "time-travel");

  // Branch from the first commit: named in a dialog, made, and linked.
  await pick(b1);
  await page.locator("#branch").click();
  const name = uniqueName("branched");
  await page.locator("#branch-name").fill(name);
  await page.locator("#branch-dialog button", { hasText: "Create branch" }).click();
  await page.locator("#branch-open").waitFor();
  assert.match(await page.locator("#branch-outcome").textContent(), new RegExp(`Created ${name} from ${b1}`));
  const branchId = decodeURIComponent((await page.locator("#branch-open").getAttribute("href")).split("/")[2]);
  assert.deepEqual(await sql(branchId, "SELECT id, label FROM items ORDER BY id"), [[[1, "a"], [2, "b"], [3, "c"]]]);
  assert.deepEqual(await sql(id, "SELECT count(*) FROM items"), [[[153]]], "the source is untouched");
  await page.locator("#branch-result").evaluate((e) => e.scrollIntoView({ block: "end" }));
  await browser.shot("branch", { forDocs: true });

  // A name already taken is refused in place, and nothing is made.
  await page.locator("#branch").click();
  await page.locator("#branch-name").fill(name);
  await page.locator("#branch-dialog button", { hasText: "Create branch" }).click();
  await page.locator("#time-travel-error").waitFor();
  assert.match(await page.locator("#time-travel-error").textContent(), /already exists|taken|name/i);

  // The diff from the first commit to the second: schema change called out, each kind of row.
  await pick(b1);
  await page.locator("#diff-use-from").click();
  await pick(b2);
  await page.locator("#diff-use-to").click();
  await page.locator("#diff-run").click();
  await page.locator("#diff-summary").waitFor();
  assert.equal(await page.locator("#diff-from-bookmark").textContent(), b1);
  assert.equal(await page.locator("#diff-to-bookmark").textContent(), b2);
  assert.deepEqual(await page.locator('#diff-summary tr[data-table="items"] td').allTextContents(), ["items", "1", "1", "1"]);
  assert.match(await page.locator("#diff-schema").textContent(), /index items_label created/);
  assert.deepEqual(await diffRows("items"), [
    ["inserted", "rowid = 4", "4", "d", "X'00ff'"],
    ["updated", "rowid = 2", "2", "b → B", "NULL"],
    ["deleted", "rowid = 3", "3", "c", "NULL"],
  ]);
  assert.equal(await page.locator("#diff-more").count(), 0, "one page holds it all");
  await page.locator("#diff").evaluate((e) => e.scrollIntoView({ block: "start" }));
  await browser.shot("diff", { forDocs: true });

  // Download SQL saves the script the API answers for the same two bookmarks; the page itself never
  // fetches it (its service worker does, and streams it to the download).
  const pageFetches = [];
  page.on("request", (r) => pageFetches.push(r.url()));
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#diff-sql").click()]);
  const saved = readFileSync(await download.path(), "utf8");
  const res = await fetch(`${server.api}/accounts/${server.account}/d1/database/${id}/time_travel/diff?from=${b1}&to=${b2}&format=sql`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  assert.equal(saved, await res.text());
  assert.match(saved, /-- end of diff\n?$/);
  const short = (b) => b.split("-").slice(2).join("-").slice(0, 17);
  assert.equal(download.suggestedFilename(), `${dbName}-diff-${short(b1)}-to-${short(b2)}.sql`);
  assert.deepEqual(pageFetches.filter((u) => u.includes("format=sql")), [], "the page fetched no script");

  // From the second commit to now: 150 inserts, 100 a page, the rest on "Load more changes".
  await page.locator("#diff-from").fill(b2);
  await page.locator("#diff-to").fill("");
  await page.locator("#diff-run").click();
  await page.locator("#diff-status", { hasText: "100 changed rows so far." }).waitFor();
  assert.equal(await page.locator("#diff-to-bookmark").textContent(), await bookmarkNow(id));
  await page.locator("#diff-more").click();
  await page.locator("#diff-status", { hasText: "150 changed rows." }).waitFor();
  assert.deepEqual(await page.locator('#diff-summary tr[data-table="items"] td').allTextContents(), ["items", "150", "0", "0"]);
  assert.equal(await page.locator("#diff-more").count(), 0);

  // Ends the wrong way round: the server's refusal, in place.
  await page.locator("#diff-from").fill(b2);
  await page.locator("#diff-to").fill(b1);
  await page.locator("#diff-run").click();
  await page.locator("#diff-error").waitFor();
  assert.deepEqual(browser.errors, []);
});
