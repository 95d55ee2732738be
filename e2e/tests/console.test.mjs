// The web console in a real headless Chromium (Debian's package), driven by playwright-core:
// sign in, create a database, run SQL, see an error in place, restore a bookmark and undo it,
// export and download, import a .sql file. Screenshots go to e2e/artifacts/; with
// CONSOLE_SCREENSHOTS=DIR (relative to the repository) the few the docs show (docs/console/) are
// written there too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { server, tempDir, uniqueName, opend1, lastLine } from "./harness.mjs";
import { openBrowser, shot as shotOf } from "./chromium.mjs";

let context;
let page;
let browserErrors;

before(async () => {
  ({ context, page, errors: browserErrors } = await openBrowser());
});

after(async () => {
  await context?.close();
});

/** Saves a screenshot as an artifact; the docs' few also to CONSOLE_SCREENSHOTS when set. */
async function shot(name, { forReadme = false } = {}) {
  await shotOf(page, name, { forDocs: forReadme });
}

/** Runs SQL in the editor (all of it) and waits for the results or the error. */
async function runSql(sql) {
  await page.locator("#sql").fill(sql);
  await runEditor();
}

async function runEditor() {
  const answered = page.waitForResponse((r) => r.url().endsWith("/raw"));
  await page.locator("#run").click();
  await answered;
  await page.locator("#run:enabled").waitFor();
}

/** The text of the results grid's body cells, row by row. */
async function grid() {
  return page.locator("#results table.results tbody tr").evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
  );
}

async function tab(label) {
  await page.locator(".tabs a", { hasText: label }).click();
}

/** Confirms the open confirmation dialog. */
async function confirm(label) {
  await page.locator("dialog.confirm button", { hasText: label }).click();
}

test("the web console, end to end in Chromium", async () => {
  const name = uniqueName("console");

  // A wrong token is refused in place with the envelope's message.
  await page.goto(`${server.base}/`);
  await page.locator("#token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".error", { hasText: "Authentication error" }).waitFor();

  await page.locator("#token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Databases" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("opend1.token")), server.token);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  assert.equal(await page.evaluate(() => document.cookie), "", "no cookies");

  // Create a database; its row shows region and tables.
  await page.locator("#new-name").fill(name);
  await page.locator("#new-location").selectOption("weur");
  await page.getByRole("button", { name: "Create database" }).click();
  const row = page.locator(`#databases tr[data-name="${name}"]`);
  await row.locator("td", { hasText: "WEUR" }).waitFor();
  await shot("databases", { forReadme: true });

  // A duplicate name is an error shown under the form.
  await page.locator("#new-name").fill(name);
  await page.getByRole("button", { name: "Create database" }).click();
  await page.locator(".error", { hasText: "database with name already exists" }).waitFor();

  await row.getByRole("link", { name }).click();
  await page.getByRole("heading", { name }).waitFor();

  // SQL: results in the grid with the response's meta.
  await tab("SQL");
  await runSql(
    "CREATE TABLE fruit(id INTEGER PRIMARY KEY, name TEXT, price REAL);\n" +
      "INSERT INTO fruit(name, price) VALUES ('apple', 1.5), ('pear', NULL);\n" +
      "SELECT id, name, price FROM fruit ORDER BY id;",
  );
  assert.deepEqual(await grid(), [
    ["1", "apple", "1.5"],
    ["2", "pear", "NULL"],
  ]);
  const meta = await page.locator("#results .meta").allTextContents();
  assert.equal(meta.length, 3);
  assert.match(meta[1], /Statement 2 of 3 · 0 rows · [\d.]+ ms · \d+ rows read · [1-9]\d* rows written/);
  assert.match(meta[2], /2 rows · [\d.]+ ms · [1-9]\d* rows read · 0 rows written/);

  // Only the selection runs when there is one.
  const two = "SELECT 'first' AS which;\nSELECT nope FROM fruit;";
  await page.locator("#sql").fill(two);
  await page.locator("#sql").evaluate((el) => el.setSelectionRange(0, el.value.indexOf(";") + 1));
  await runEditor();
  assert.deepEqual(await grid(), [["first"]]);
  assert.equal(await page.locator("#sql-error").isHidden(), true);

  // An error is shown in place, under the editor.
  await page.locator("#sql").evaluate((el) => el.setSelectionRange(0, 0));
  await runEditor();
  await page.locator("#sql-error", { hasText: "no such column: nope" }).waitFor();
  assert.equal(await page.locator("#results table").count(), 0);
  await shot("sql-error");
  await runSql("SELECT id, name, price FROM fruit ORDER BY id;");
  assert.equal(await page.locator("#sql-error").isHidden(), true);
  await shot("sql", { forReadme: true });

  // Tables: schema and row counts.
  await tab("Tables");
  await page.locator('#tables details[data-table="fruit"] .rows', { hasText: "2 rows" }).waitFor();

  // Time travel: note the current bookmark, change the data, restore, see it, undo.
  await tab("Time travel");
  await page.waitForFunction(() => /^[0-9a-f]{8}-/.test(document.getElementById("current-bookmark").textContent));
  const earlier = (await page.locator("#current-bookmark").textContent()).trim();
  assert.match(earlier, /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
  await tab("SQL");
  await runSql("INSERT INTO fruit(name) VALUES ('plum'); SELECT name FROM fruit ORDER BY id;");
  assert.deepEqual(await grid(), [["apple"], ["pear"], ["plum"]]);

  await tab("Time travel");
  await page.locator("#restore-bookmark").fill(earlier);
  await page.locator("#restore").click();
  await confirm("Restore");
  await page.locator("#restore-outcome", { hasText: "Database restored successfully" }).waitFor();
  const previous = (await page.locator("#previous-bookmark").textContent()).trim();
  assert.ok(previous > earlier, `${previous} is after ${earlier}`);
  await shot("time-travel", { forReadme: true });
  await tab("SQL");
  await runSql("SELECT name FROM fruit ORDER BY id;");
  assert.deepEqual(await grid(), [["apple"], ["pear"]]);

  await tab("Time travel");
  await page.locator("#undo").click();
  await confirm("Restore");
  await page.locator("#restore-outcome #previous-bookmark").filter({ hasNotText: previous }).waitFor();
  await tab("SQL");
  await runSql("SELECT name FROM fruit ORDER BY id;");
  assert.deepEqual(await grid(), [["apple"], ["pear"], ["plum"]]);

  // A time is sent as an ISO instant; the server's refusal of a future one shows in place.
  await tab("Time travel");
  await page.locator("#restore-time").fill("2099-01-01T00:00:00");
  await page.getByRole("button", { name: "Find bookmark" }).click();
  await page.locator("#time-travel-error", { hasText: "it is in the future" }).waitFor();

  // Export: poll, download with progress, and the file holds the table.
  await tab("Export / import");
  const downloading = page.waitForEvent("download");
  await page.locator("#export").click();
  const download = await downloading;
  await page.locator("#export-saved a").waitFor();
  const dumpPath = join(tempDir("console-export-"), download.suggestedFilename());
  await download.saveAs(dumpPath);
  const dump = readFileSync(dumpPath, "utf8");
  assert.match(dump, /^PRAGMA defer_foreign_keys=TRUE;/);
  assert.match(dump, /CREATE TABLE fruit/);
  assert.match(dump, /INSERT INTO "fruit" \("id","name","price"\) VALUES\(3,'plum',NULL\);/);
  assert.equal(await page.locator("#export-progress").evaluate((p) => p.value === p.max && p.max > 0), true);

  // Import: a .sql file through init, upload, ingest and poll.
  const sqlFile = join(tempDir("console-import-"), "veg.sql");
  writeFileSync(
    sqlFile,
    "CREATE TABLE veg(id INTEGER PRIMARY KEY, name TEXT);\n" +
      "INSERT INTO veg(name) VALUES ('leek'), ('kale'), ('it''s; a bean');\n",
  );
  await page.locator("#import-file").setInputFiles(sqlFile);
  await page.locator("#import").click();
  await page.locator("#import-status", { hasText: "Import complete: 2 queries" }).waitFor();
  assert.equal(await page.locator("#import-progress").evaluate((p) => p.value === p.max), true);
  assert.match(await page.locator("#import-hash").evaluate((p) => p.parentElement.textContent), /MD5 [0-9a-f]{32}/);
  // docs/console/transfer.png is written by console-data.test.mjs (a failing import with its statement).
  await shot("transfer");

  // A failing import is shown in place and applies nothing.
  const badFile = join(tempDir("console-import-"), "bad.sql");
  writeFileSync(badFile, "INSERT INTO veg(name) VALUES ('x');\nINSERT INTO nope VALUES (1);\n");
  await page.locator("#import-file").setInputFiles(badFile);
  await page.locator("#import").click();
  await page.locator("#import-error", { hasText: "no such table: nope" }).waitFor();

  await tab("SQL");
  await runSql("SELECT name FROM veg ORDER BY id;");
  assert.deepEqual(await grid(), [["leek"], ["kale"], ["it's; a bean"]]);
  await tab("Tables");
  await page.locator('#tables details[data-table="veg"] .rows', { hasText: "3 rows" }).waitFor();
  await shot("tables");

  // Delete, after typing the database's name to confirm.
  await page.locator("a", { hasText: "← Databases" }).click();
  await row.getByRole("button", { name: "Delete" }).click();
  await page.locator("dialog.confirm #confirm-name").fill(name);
  await confirm("Delete");
  await row.waitFor({ state: "detached" });

  assert.deepEqual(browserErrors, []);
});

test("a token revoked during a session sends the console back to sign-in", async () => {
  const created = opend1(["token", "create", "--account", server.account, "--name", "console-revoked"]).stdout;
  const token = lastLine(created);
  const tokenId = created.match(/token id: ([0-9a-f]+)/)[1];
  await page.goto(`${server.base}/`);
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await page.locator("#token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Databases" }).waitFor();

  opend1(["token", "revoke", tokenId]);
  // A running server keeps a token it found for at most one second (docs/configuration.md, "Accounts and tokens").
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await page.locator("#new-name").fill(uniqueName("revoked"));
  await page.getByRole("button", { name: "Create database" }).click();
  await page.locator(".signin .error", { hasText: "The server refused the token (Authentication error)" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("opend1.token")), null);
  assert.deepEqual(browserErrors, []);
});
