// drizzle-kit (driver d1-http) and Prisma's D1 HTTP adapter, unmodified. Both hard-code
// https://api.cloudflare.com, so they run with the cf-redirect.cjs preload (docs/clients.md, "drizzle-kit and Prisma").
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { server, bin, nodeScript, call, createDatabase, uniqueName } from "./harness.mjs";

const e2e = process.env.E2E_DIR;
const redirect = {
  NODE_OPTIONS: `--require ${join(e2e, "cf-redirect.cjs")}`,
  CF_REDIRECT_TO: server.base,
};

/** A project folder inside e2e/ so that `drizzle-orm` resolves from e2e/node_modules. */
function project() {
  mkdirSync(join(e2e, "out"), { recursive: true });
  return mkdtempSync(join(e2e, "out", "drizzle-"));
}

test("drizzle-kit push creates the schema and pull reads it back", async () => {
  const uuid = await createDatabase(uniqueName("drizzle"));
  const dir = project();
  writeFileSync(
    join(dir, "drizzle.config.mjs"),
    `export default { dialect: "sqlite", driver: "d1-http", schema: "./schema.mjs", out: "./drizzle",
       dbCredentials: { accountId: "${server.account}", databaseId: "${uuid}", token: "${server.token}" } };\n`,
  );
  writeFileSync(
    join(dir, "schema.mjs"),
    `import { sqliteTable, integer, text, index } from "drizzle-orm/sqlite-core";
     export const posts = sqliteTable("posts", {
       id: integer("id").primaryKey({ autoIncrement: true }),
       title: text("title").notNull(),
       authorId: integer("author_id"),
     }, (t) => [index("posts_author_idx").on(t.authorId)]);\n`,
  );
  const push = bin("drizzle-kit", ["push", "--force", "--config", "drizzle.config.mjs"], { cwd: dir, env: redirect });
  assert.equal(push.status, 0, String(push));
  const tables = await call("POST", `/accounts/${server.account}/d1/database/${uuid}/query`, {
    body: { sql: "SELECT name FROM sqlite_schema WHERE type IN ('table','index') AND name NOT LIKE 'sqlite_%' ORDER BY name" },
  });
  // Every database holds D1's reserved _cf_KV, which sqlite_schema shows as D1's does (docs:
  // best-practices/import-export-data).
  assert.deepEqual(tables.body.result[0].results.map((r) => r.name), ["_cf_KV", "posts", "posts_author_idx"]);

  const pull = bin("drizzle-kit", ["pull", "--config", "drizzle.config.mjs"], { cwd: dir, env: redirect });
  assert.equal(pull.status, 0, String(pull));
  const schemaFile = readdirSync(join(dir, "drizzle")).find((f) => f === "schema.ts");
  assert.ok(schemaFile, `pull wrote no schema.ts: ${readdirSync(join(dir, "drizzle"))}`);
  const pulled = readFileSync(join(dir, "drizzle", "schema.ts"), "utf8");
  assert.match(pulled, /sqliteTable\("posts"/);
  assert.match(pulled, /author_id/);
  assert.match(pulled, /posts_author_idx/);
});

test("Prisma's D1 HTTP adapter creates, inserts and selects", async () => {
  const uuid = await createDatabase(uniqueName("prisma"));
  const r = nodeScript(join(e2e, "clients", "prisma-check.mjs"), [uuid], { env: redirect, cwd: e2e });
  assert.equal(r.status, 0, String(r));
  const seen = JSON.parse(r.stdout.trim().split("\n").at(-1));
  assert.equal(seen.inserted, 2);
  assert.deepEqual(seen.selected.columnNames, ["id", "email", "score"]);
  assert.deepEqual(seen.selected.rows, [
    [1, "a@example.com", 1.5],
    [2, "b@example.com", 2],
  ]);
  // Prisma recognises SQLite's message and classifies it; anything else would come back raw.
  assert.match(seen.duplicate, /UniqueConstraintViolation/);
  const shadows = await call("GET", `/accounts/${server.account}/d1/database?name=_prisma_shadow_`);
  assert.equal(shadows.body.result.length, 0, "the shadow database was deleted");
});
