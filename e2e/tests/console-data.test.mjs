// The console's data tools in real Chromium: the row browser (keyset paging over 100,000 rows,
// sort, filter, edit/insert/delete through statements shown first), the SQL editor (highlighting,
// completion, history, capped results, CSV/JSON), and export/import (a 20 MB export that goes
// straight to disk, a failing import that names its statement). Data is made and checked
// through the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { call, createDatabase, uniqueName, server } from "./harness.mjs";
import { openBrowser, signInTo } from "./console-browser.mjs";

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
      "INSERT INTO big(id, n, label) SELECT x, x % 7, 'row ' || x FROM c;" +
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

  // Every kind of object is listed.
  await page.locator('#tables details[data-table="big"] .rows', { hasText: "100000 rows" }).waitFor();
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
  const asText = (rows) => rows.map((r) => r.map(String));
  assert.deepEqual(await browsed(), asText(sorted.slice(0, 100)));
  await page.locator("#browse-next").click();
  await browseStatus("Rows 101–200 of 100,000");
  assert.deepEqual(await browsed(), asText(sorted.slice(100, 200)));
  await page.locator("#browse-last").click();
  await browseStatus("Rows 99,901–100,000 of 100,000");
  const [lastSorted] = await sql(id, "SELECT id, n, label FROM big ORDER BY n ASC, id ASC LIMIT 100");
  assert.deepEqual(await browsed(), asText(lastSorted.reverse()));

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
