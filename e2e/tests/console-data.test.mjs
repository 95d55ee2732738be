// The console's data tools in real Chromium: the row browser (keyset paging over 100,000 rows,
// sort, filter, edit/insert/delete through statements shown first), the SQL editor (highlighting,
// completion, history, capped results, CSV/JSON), and export/import (a 20 MB export that goes
// straight to disk, a failing import that names its statement). Data is made and checked
// through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { call, createDatabase, uniqueName, server, tempDir } from "./harness.mjs";
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

/** Runs SQL through the API; resolves to the results of each statement (arrays of rows). */
async function sql(id, text, params) {
  const r = await call("POST", `/accounts/${server.account}/d1/database/${id}/raw`, { body: { sql: text, params } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.result.map((x) => x.results.rows);
}

/** The browser grid's cells, row by row (without the actions column). */
async function browsed() {
  return page.locator("#browse-grid tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].slice(0, -1).map((td) => td.textContent)),
  );
}

/** Applies the sort and filter chosen, and waits for the page they give. */
async function applyView(status) {
  await page.locator("#browse-apply").click();
  await page.locator("#browse-apply:enabled").waitFor();
  await browseStatus(status);
}

async function browseStatus(text) {
  await page.locator("#browse-status", { hasText: text }).waitFor();
}

/** Runs the statement dialog: checks its text and parameters, then runs it. */
async function confirmStatement(expectedSql, expectedParams) {
  await page.locator("dialog.statement").waitFor();
  assert.equal(await page.locator("#statement-sql").textContent(), expectedSql);
  assert.deepEqual(JSON.parse(await page.locator("#statement-params").textContent()), expectedParams);
  const answered = page.waitForResponse((r) => r.url().endsWith("/query") && r.request().method() === "POST");
  await page.locator("dialog.statement button", { hasText: "Run" }).click();
  await answered;
}

test("the row browser pages 100,000 rows by key, sorts, filters, and edits through shown statements", async () => {
  const id = await createDatabase(uniqueName("browse"));
  await sql(
    id,
    "CREATE TABLE big(id INTEGER PRIMARY KEY, n INTEGER, label TEXT);" +
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) " +
      "INSERT INTO big(id, n, label) SELECT x, CASE WHEN x % 500 = 0 THEN NULL ELSE x % 7 END, 'row ' || x FROM c;" +
      "CREATE INDEX big_n ON big(n);" +
      "CREATE VIEW sevens AS SELECT id FROM big WHERE n = 0;" +
      "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;" +
      "INSERT INTO kv VALUES ('b', 'two'), ('a', 'one'), ('c', 'three');" +
      "CREATE TRIGGER kv_touch AFTER UPDATE ON kv BEGIN SELECT 1; END;",
  );
  const sent = [];
  page.on("request", (r) => {
    if (/\/(raw|query)$/.test(r.url())) sent.push(r.postData());
  });
  await signInTo(page, id, "tables");

  // Every kind of object is listed. The list counts a table's rows only up to 10,000; "Count"
  // counts them all.
  await page.locator('#tables details[data-table="big"] .rows', { hasText: "more than 10,000 rows" }).waitFor();
  assert.equal(await page.locator('#tables details[data-table="kv"] .rows').textContent(), "3 rows");
  await page.locator('#tables details[data-table="big"] button.count').click();
  await page.locator('#tables details[data-table="big"] .rows', { hasText: /^100,000 rows$/ }).waitFor();
  assert.equal(await page.locator('#tables details[data-table="big"] button.count').count(), 0);
  assert.equal(await page.locator('#tables details[data-object="sevens"][data-type="view"]').count(), 1);
  assert.equal(await page.locator('#tables details[data-object="big_n"][data-type="index"]').count(), 1);
  assert.equal(await page.locator('#tables details[data-object="kv_touch"][data-type="trigger"]').count(), 1);

  // Key order: first, next, last, previous.
  await page.locator('#tables details[data-table="big"] button.browse').click();
  await browseStatus("Rows 1–100 of 100,000");
  const ids = async () => (await browsed()).map((r) => Number(r[0]));
  const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  assert.deepEqual(await ids(), range(1, 100));
  assert.deepEqual((await browsed())[0], ["1", "1", "row 1"]);
  await page.locator("#browse-next").click();
  await browseStatus("Rows 101–200 of 100,000");
  assert.deepEqual(await ids(), range(101, 200));
  await page.locator("#browse-last").click();
  await browseStatus("Rows 99,901–100,000 of 100,000");
  assert.deepEqual(await ids(), range(99_901, 100_000));
  assert.equal(await page.locator("#browse-next").isDisabled(), true);
  await page.locator("#browse-prev").click();
  await browseStatus("Rows 99,801–99,900 of 100,000");
  assert.deepEqual(await ids(), range(99_801, 99_900));

  // Sorted by n descending (then by rowid), two pages, as the API's ORDER BY gives them.
  await page.locator("#browse-sort").selectOption("n");
  await page.locator("#browse-dir").selectOption("desc");
  await applyView("Rows 1–100 of 100,000");
  const [sorted] = await sql(id, "SELECT id, n, label FROM big ORDER BY n DESC, id DESC LIMIT 200");
  const asText = (rows) => rows.map((r) => r.map((v) => (v === null ? "NULL" : String(v))));
  assert.deepEqual(await browsed(), asText(sorted.slice(0, 100)));
  await page.locator("#browse-next").click();
  await browseStatus("Rows 101–200 of 100,000");
  assert.deepEqual(await browsed(), asText(sorted.slice(100, 200)));
  await page.locator("#browse-last").click();
  await browseStatus("Rows 99,901–100,000 of 100,000");
  const [lastSorted] = await sql(id, "SELECT id, n, label FROM big ORDER BY n ASC, id ASC LIMIT 100");
  assert.deepEqual(await browsed(), asText(lastSorted.reverse()));

  // 200 rows have a NULL n: first ascending, last descending. Pages whose edge row is NULL go on by key.
  await page.locator("#browse-dir").selectOption("asc");
  await applyView("Rows 1–100 of 100,000");
  const [ascending] = await sql(id, "SELECT id, n, label FROM big ORDER BY n ASC, id ASC LIMIT 300");
  const pageOf = async (button, status, rows) => {
    await page.locator(button).click();
    await browseStatus(status);
    assert.deepEqual(await browsed(), asText(rows), status);
  };
  assert.deepEqual(await browsed(), asText(ascending.slice(0, 100)));
  await pageOf("#browse-next", "Rows 101–200 of", ascending.slice(100, 200));
  await pageOf("#browse-next", "Rows 201–300 of", ascending.slice(200, 300));
  await pageOf("#browse-prev", "Rows 101–200 of", ascending.slice(100, 200));
  await pageOf("#browse-prev", "Rows 1–100 of", ascending.slice(0, 100));
  await page.locator("#browse-dir").selectOption("desc");
  await applyView("Rows 1–100 of 100,000");
  const descending = (from, to) => ascending.slice(from, to).reverse();
  await pageOf("#browse-last", "Rows 99,901–100,000 of", descending(0, 100));
  await pageOf("#browse-prev", "Rows 99,801–99,900 of", descending(100, 200));
  await pageOf("#browse-prev", "Rows 99,701–99,800 of", descending(200, 300));
  await pageOf("#browse-next", "Rows 99,801–99,900 of", descending(100, 200));
  await pageOf("#browse-next", "Rows 99,901–100,000 of", descending(0, 100));

  // A filter's value is a parameter.
  await page.locator("#browse-sort").selectOption("");
  await page.locator("#browse-dir").selectOption("asc");
  await page.locator("#browse-filter-column").selectOption("label");
  await page.locator("#browse-filter-op").selectOption("LIKE");
  await page.locator("#browse-filter-value").fill("row 4242%");
  await applyView("Rows 1–11 of 11");
  assert.deepEqual(await ids(), [4242, ...range(42_420, 42_429)]);
  assert.ok(sent.some((b) => b.includes('"row 4242%"')), "the filter value was sent as a parameter");

  for (const body of sent) assert.doesNotMatch(body, /offset/i, `a query without OFFSET: ${body}`);

  // Edit a cell: the statement and its parameters are shown, then run.
  await page.locator("#browse-filter-column").selectOption("");
  await page.locator("#browse-filter-value").fill("");
  await applyView("Rows 1–100 of 100,000");
  await page.locator("#browse-grid tbody tr").first().locator("td").nth(2).click();
  await page.locator('dialog.values tr[data-column="label"] input[type="text"]').fill("it's edited");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await confirmStatement('UPDATE "big" SET "label" = ? WHERE rowid = ?', ["it's edited", 1]);
  await page.locator("#browse-grid tbody tr td", { hasText: "it's edited" }).waitFor();
  assert.deepEqual(await sql(id, "SELECT label FROM big WHERE id = 1"), [[["it's edited"]]]);

  // Insert a row: columns left at "default" are left out; NULL is a NULL.
  await page.locator("#browse-insert").click();
  await page.locator('dialog.values tr[data-column="id"] input[type="text"]').fill("100001");
  await page.locator('dialog.values tr[data-column="n"] input.is-null').check();
  await page.locator('dialog.values tr[data-column="label"] input[type="text"]').fill("new");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await confirmStatement('INSERT INTO "big" ("id", "n", "label") VALUES (?, ?, ?)', ["100001", null, "new"]);
  await browseStatus("of 100,001");
  assert.deepEqual(await sql(id, "SELECT id, n, label FROM big WHERE id = 100001"), [[[100001, null, "new"]]]);

  // Delete a row, after the statement is shown; cancelling runs nothing.
  await page.locator("#browse-grid tbody tr").nth(1).locator("button.delete-row").click();
  await page.locator("dialog.statement button", { hasText: "Cancel" }).click();
  assert.deepEqual(await sql(id, "SELECT count(*) FROM big WHERE id = 2"), [[[1]]]);
  await page.locator("#browse-grid tbody tr").nth(1).locator("button.delete-row").click();
  await confirmStatement('DELETE FROM "big" WHERE rowid = ?', [2]);
  await browseStatus("Rows 1–100 of 100,000");
  assert.deepEqual(await sql(id, "SELECT count(*) FROM big WHERE id = 2"), [[[0]]]);
  await page.locator("#browse-sort").selectOption("label");
  await page.locator("#browse-dir").selectOption("asc");
  await applyView("Rows 1–100 of 100,000");
  assert.deepEqual((await browsed()).slice(0, 3), [["1", "1", "it's edited"], ["100001", "NULL", "new"], ["10", "3", "row 10"]]);
  await browser.shot("table-browser", { forDocs: true });

  // A WITHOUT ROWID table pages and edits by its primary key.
  await page.locator('#tables details[data-table="kv"] button.browse').click();
  await page.locator(".browser h2", { hasText: "paged by k" }).waitFor();
  await browseStatus("Rows 1–3 of 3");
  assert.deepEqual(await browsed(), [["a", "one"], ["b", "two"], ["c", "three"]]);
  await page.locator("#browse-grid tbody tr").nth(1).locator("td").nth(1).click();
  await page.locator('dialog.values tr[data-column="v"] input[type="text"]').fill("TWO");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await confirmStatement('UPDATE "kv" SET "v" = ? WHERE "k" = ?', ["TWO", "b"]);
  assert.deepEqual(await sql(id, "SELECT v FROM kv WHERE k = 'b'"), [[["TWO"]]]);

  for (const body of sent) assert.doesNotMatch(body, /offset/i, `a query without OFFSET: ${body}`);
  assert.deepEqual(browser.errors, []);
});

test("a view browses read-only by position, every repeated row included; a BLOB cell is edited as hex", async () => {
  const id = await createDatabase(uniqueName("views"));
  await sql(
    id,
    "CREATE TABLE nums(id INTEGER PRIMARY KEY, n INTEGER, b BLOB);" +
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 250) " +
      "INSERT INTO nums(id, n) SELECT x, x % 3 FROM c;" +
      "UPDATE nums SET b = X'00ff' WHERE id = 1;" +
      "CREATE VIEW residues AS SELECT n, n * 10 AS tens FROM nums;",
  );
  await signInTo(page, id, "tables");

  // The view's 250 rows hold only three distinct ones: paged by position, none is skipped.
  const card = page.locator('#tables details[data-object="residues"]');
  await card.locator("button.browse").click();
  await page.locator("#browse-paging", { hasText: "a view: read-only, paged by position" }).waitFor();
  await browseStatus("Rows 1–100 of 250");
  const [all] = await sql(id, "SELECT n, tens FROM residues");
  const asText = (rows) => rows.map((r) => r.map((v) => String(v)));
  const viewRows = () => page.locator("#browse-grid tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
  assert.deepEqual(await viewRows(), asText(all.slice(0, 100)));
  await page.locator("#browse-next").click();
  await browseStatus("Rows 101–200 of 250");
  assert.deepEqual(await viewRows(), asText(all.slice(100, 200)));
  await page.locator("#browse-last").click();
  await browseStatus("Rows 151–250 of 250");
  assert.deepEqual(await viewRows(), asText(all.slice(150)));
  assert.equal(await page.locator("#browse-next").isDisabled(), true);
  await page.locator("#browse-prev").click();
  await browseStatus("Rows 51–150 of 250");
  assert.deepEqual(await viewRows(), asText(all.slice(50, 150)));

  // Read-only: no edit, insert or delete.
  assert.equal(await page.locator("#browse-grid .delete-row").count(), 0);
  assert.equal(await page.locator("#browse-grid td.editable").count(), 0);
  assert.equal(await page.locator("#browse-insert").isHidden(), true);

  // Sorted, the pages together are the view's rows in that order, each repeat once.
  await page.locator("#browse-sort").selectOption("n");
  await page.locator("#browse-dir").selectOption("desc");
  await applyView("Rows 1–100 of 250");
  const seen = [...(await viewRows())];
  for (const status of ["Rows 101–200 of 250", "Rows 201–250 of 250"]) {
    await page.locator("#browse-next").click();
    await browseStatus(status);
    seen.push(...(await viewRows()));
  }
  const [sorted] = await sql(id, "SELECT n, tens FROM residues ORDER BY n DESC");
  assert.deepEqual(seen, asText(sorted));

  // Filtered: the value is a parameter, the count follows.
  await page.locator("#browse-filter-column").selectOption("n");
  await page.locator("#browse-filter-op").selectOption("=");
  await page.locator("#browse-filter-value").fill("2");
  await applyView("Rows 1–83 of 83");

  // A BLOB cell opens as hex; hex that is not hex is refused in the dialog.
  await page.locator('#tables details[data-table="nums"] button.browse').click();
  await page.locator(".browser h2", { hasText: "paged by rowid" }).waitFor();
  await browseStatus("Rows 1–100 of 250");
  const blobCell = page.locator("#browse-grid tbody tr").first().locator("td").nth(2);
  assert.equal(await blobCell.textContent(), "X'00ff'");
  await blobCell.click();
  const input = page.locator('dialog.values tr[data-column="b"] input[type="text"]');
  assert.equal(await input.inputValue(), "00ff");
  assert.equal(await page.locator('dialog.values tr[data-column="b"] input.is-blob').isChecked(), true);
  await input.fill("abc");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await page.locator("#values-error", { hasText: "an even number of the digits" }).waitFor();
  assert.equal(await page.locator("dialog.values").isVisible(), true, "the dialog stays open");
  await input.fill("DEADbeef");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await page.locator("#statement-blobs", { hasText: "params[0] is a BLOB of 4 bytes: X'deadbeef'" }).waitFor();
  await confirmStatement('UPDATE "nums" SET "b" = ? WHERE rowid = ?', [[0xde, 0xad, 0xbe, 0xef], 1]);
  await page.locator("#browse-grid tbody tr td", { hasText: "X'deadbeef'" }).waitFor();
  assert.deepEqual(await sql(id, "SELECT typeof(b), hex(b) FROM nums WHERE id = 1"), [[["blob", "DEADBEEF"]]]);

  // A NULL in a BLOB column is written as a BLOB too (the column's type ticks the box).
  await page.locator("#browse-grid tbody tr").nth(1).locator("td").nth(2).click();
  await page.locator('dialog.values tr[data-column="b"] input.is-null').uncheck();
  await input.fill("01 02");
  await page.locator("dialog.values button", { hasText: "Review" }).click();
  await confirmStatement('UPDATE "nums" SET "b" = ? WHERE rowid = ?', [[1, 2], 2]);
  await page.locator("#browse-grid tbody tr td", { hasText: "X'0102'" }).waitFor();
  assert.deepEqual(await sql(id, "SELECT typeof(b), hex(b) FROM nums WHERE id = 2"), [[["blob", "0102"]]]);
  assert.deepEqual(browser.errors, []);
});

/** Runs the editor's text with Ctrl+Enter and waits for the results or the error. */
async function runEditor() {
  const answered = page.waitForResponse((r) => r.url().endsWith("/raw"));
  await page.locator("#sql").press("Control+Enter");
  await answered;
  await page.locator("#run:enabled").waitFor();
}

/** The SQL results grid's cells, row by row. */
async function resultRows() {
  return page.locator("#results table.results tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
  );
}

test("the SQL editor highlights, completes names, keeps a history, caps results and exports CSV and JSON", async () => {
  const id = await createDatabase(uniqueName("editor"));
  await sql(
    id,
    'CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, "home town" TEXT, photo BLOB);' +
      "INSERT INTO people VALUES (1, 'Ada, Countess', 'say \"hi\"', X'00ff'), (2, 'Bo', 'two' || char(10) || 'lines', NULL), (3, NULL, '', NULL);",
  );
  const sent = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/raw")) sent.push(r.postData());
  });
  await signInTo(page, id, "sql");
  const editor = page.locator("#sql");
  await editor.waitFor();
  await page.evaluate(() => localStorage.clear());

  // Completion of a column as it is typed (Enter takes the first choice), then of a table (Tab).
  await editor.click();
  await page.keyboard.type("SELECT na");
  await page.locator("#completions li", { hasText: "name" }).first().waitFor();
  assert.match(await page.locator("#completions li").first().textContent(), /^name column · people/);
  await page.keyboard.press("Enter");
  await page.keyboard.type(", people.ho");
  await page.locator("#completions li", { hasText: "home town" }).waitFor();
  await page.keyboard.press("Tab");
  await page.keyboard.type(" FROM peo");
  await page.locator("#completions li", { hasText: "people" }).waitFor();
  await page.keyboard.press("Tab");
  await page.keyboard.type(" WHERE id < 3 -- the first two");
  assert.equal(await editor.inputValue(), 'SELECT name, people."home town" FROM people WHERE id < 3 -- the first two');
  await page.locator("#completions").waitFor({ state: "hidden" });
  // The highlight layer shows the same text, by kind of token.
  assert.equal(await page.locator(".editor .highlight").textContent(), (await editor.inputValue()) + "\n");
  assert.deepEqual(await page.locator(".editor .highlight .tok-keyword").allTextContents(), ["SELECT", "FROM", "WHERE"]);
  assert.deepEqual(await page.locator(".editor .highlight .tok-quoted").allTextContents(), ['"home town"']);
  assert.deepEqual(await page.locator(".editor .highlight .tok-comment").allTextContents(), ["-- the first two"]);
  await runEditor();
  assert.deepEqual(await resultRows(), [
    ["Ada, Countess", 'say "hi"'],
    ["Bo", "two\nlines"],
  ]);

  // History: kept per database across a reload, newest first; a click puts it back in the editor.
  await page.locator("#sql").fill("SELECT count(*) FROM people");
  await runEditor();
  assert.deepEqual(await resultRows(), [["3"]]);
  await page.reload();
  await page.locator("#history summary", { hasText: "History (2)" }).click();
  const remembered = await page.locator("#history-list li").allTextContents();
  assert.deepEqual(remembered, ["SELECT count(*) FROM people", 'SELECT name, people."home town" FROM people WHERE id < 3 -- the first two']);
  await page.locator("#history-list li button").nth(1).click();
  assert.equal(await editor.inputValue(), remembered[1]);

  // 1,500 rows: the first 1,000 with a sticky header, then the rest on "Load more".
  await editor.fill("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500) SELECT x, 'row ' || x AS label FROM c;");
  await runEditor();
  assert.equal(await page.locator("#results tbody tr").count(), 1000);
  assert.match(await page.locator("#results .meta").textContent(), /^Statement 1 of 1 · 1000 rows · .* · more to load$/);
  const scroller = page.locator("#results .scroll");
  await scroller.evaluate((el) => (el.scrollTop = 5000));
  const [boxTop, headTop] = await scroller.evaluate((el) => [el.getBoundingClientRect().top, el.querySelector("th").getBoundingClientRect().top]);
  assert.ok(Math.abs(boxTop - headTop) <= 2, `the header stays at the top (${headTop} vs ${boxTop})`);
  await page.locator("#results .load-more").click();
  await page.locator("#results .load-more").waitFor({ state: "hidden" });
  assert.equal(await page.locator("#results tbody tr").count(), 1500);
  assert.deepEqual((await resultRows()).at(-1), ["1500", "row 1500"]);
  assert.match(await page.locator("#results .meta").textContent(), /^Statement 1 of 1 · 1500 rows · [^·]+ · [^·]+ · [^·]+$/);
  assert.ok(sent.some((b) => b.includes("LIMIT 1001 OFFSET 1000")), "the rest was read in a second piece");

  // CSV (RFC 4180) and JSON of a result, downloaded and copied.
  await editor.fill('SELECT id, name, "home town", photo FROM people ORDER BY id');
  await runEditor();
  const downloading = page.waitForEvent("download");
  await page.locator("#results .download-csv").click();
  const csv = await downloading;
  assert.equal(csv.suggestedFilename(), "result.csv");
  assert.equal(
    readFileSync(await csv.path(), "utf8"),
    'id,name,home town,photo\r\n1,"Ada, Countess","say ""hi""",X\'00ff\'\r\n2,Bo,"two\nlines",\r\n3,,,\r\n',
  );
  await page.locator("#results .copy-json").click();
  assert.deepEqual(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())), [
    { id: 1, name: "Ada, Countess", "home town": 'say "hi"', photo: [0, 255] },
    { id: 2, name: "Bo", "home town": "two\nlines", photo: null },
    { id: 3, name: null, "home town": "", photo: null },
  ]);

  // The picture: a query being written, with its completions open over the last result.
  await editor.fill("SELECT name, \"home town\"\nFROM people\nWHERE photo IS NOT NULL -- with a picture\n  AND id > 0\nORDER BY ");
  await editor.press("End");
  await page.keyboard.type("na");
  await page.locator("#completions li").first().waitFor();
  await browser.shot("sql-editor", { forDocs: true });
  assert.deepEqual(browser.errors, []);
});

/** Runs D1's export protocol through the API; resolves to the dump's bytes. */
async function exportThroughApi(id) {
  const path = `/accounts/${server.account}/d1/database/${id}/export`;
  let r = await call("POST", path, { body: { output_format: "polling" } });
  while (r.body.result.status === "active") {
    r = await call("POST", path, { body: { output_format: "polling", current_bookmark: r.body.result.at_bookmark } });
  }
  assert.equal(r.body.result.status, "complete", JSON.stringify(r.body));
  const res = await fetch(r.body.result.result.signed_url);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

/** The page's JavaScript memory in bytes after a full garbage collection: heap and array buffers. */
async function heapUsed(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const u = await cdp.send("Runtime.getHeapUsage");
  return u.usedSize + (u.backingStorageSize ?? 0) + (u.embedderHeapUsedSize ?? 0);
}

test("a 20 MB export downloads to disk without entering the page, and a failing import shows its statement", async (t) => {
  const id = await createDatabase(uniqueName("transfer"));
  await sql(
    id,
    "CREATE TABLE pages(id INTEGER PRIMARY KEY, body TEXT);" +
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) " +
      "INSERT INTO pages SELECT x, hex(randomblob(500)) FROM c;",
  );
  await signInTo(page, id, "transfer");
  await page.locator("#export").waitFor();
  const cdp = await browser.context.newCDPSession(page);
  const before = await heapUsed(cdp);
  const downloading = page.waitForEvent("download");
  await page.locator("#export").click();
  const download = await downloading;
  const file = await download.path();
  assert.equal(await download.failure(), null);
  await page.locator("#export-saved a").waitFor();
  const expected = await exportThroughApi(id);
  assert.ok(expected.length > 20_000_000, `the dump is ${expected.length} bytes`);
  assert.ok(readFileSync(file).equals(expected), "the downloaded file is the API's export, byte for byte");
  assert.match(download.suggestedFilename(), /\.sql$/);
  assert.ok((await page.locator("#export-log li").count()) > 0, "the job's messages are shown");
  const grown = (await heapUsed(cdp)) - before;
  t.diagnostic(`export of ${expected.length} bytes: the page's memory grew by ${grown} bytes`);
  assert.ok(grown < 5_000_000, `the page's memory grew by ${grown} bytes for a ${expected.length}-byte export`);

  // The same measure sees a copy of the export held by the page.
  await page.evaluate(async (url) => {
    window.copy = await (await fetch(url)).arrayBuffer();
  }, await page.locator("#export-saved a").getAttribute("href"));
  const held = (await heapUsed(cdp)) - before;
  t.diagnostic(`with a copy held by the page: ${held} bytes more than before`);
  assert.ok(held > expected.length * 0.9, `a copy held by the page shows: ${held} bytes`);
  await page.evaluate(() => delete window.copy);

  // A failing import: the failing statement is shown, and nothing is applied.
  const bad = join(tempDir("console-import-"), "bad.sql");
  writeFileSync(bad, "INSERT INTO pages(body) VALUES ('first');\n-- a comment; with a semicolon\nINSERT INTO pages(body) VALUES ('second; still the second');\nUPDATE nope SET x = 1 WHERE y = 'a;b';\nINSERT INTO pages(body) VALUES ('fourth');\n");
  await page.locator("#import-file").setInputFiles(bad);
  await page.locator("#import").click();
  await page.locator("#import-error", { hasText: "Statement 3 failed: no such table: nope" }).waitFor();
  assert.equal(await page.locator("#import-failed-statement").textContent(), "UPDATE nope SET x = 1 WHERE y = 'a;b'");
  assert.match(await page.locator("#import-failure-summary").textContent(), /the 2 before it were rolled back/);
  assert.deepEqual(await sql(id, "SELECT count(*) FROM pages"), [[[20000]]]);
  await page.setViewportSize({ width: 1200, height: 1080 });
  await browser.shot("transfer", { forDocs: true });
  await page.setViewportSize({ width: 1200, height: 760 });
  assert.deepEqual(browser.errors, []);
});
