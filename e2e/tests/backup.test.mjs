// Disaster recovery with the real clients: a server of its own ships every write to s3proxy (a real
// S3 API server, target/s3proxy.jar, fetched by the build) in sync mode; wrangler and the SDK
// write; the server is killed (SIGKILL) and its data directory deleted; `opend1 recover` rebuilds
// it from the bucket, and after a restart every acknowledged write, both databases, the token and
// time travel back to the first commit are there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import Cloudflare from "cloudflare";
import { wrangler, tempDir } from "./harness.mjs";

const root = join(process.env.E2E_DIR, "..");
const ACCOUNT = "0123456789abcdef0123456789abcd15";
const TOKEN = `backup-token-${Date.now()}`;
const S3_ID = "e2e-identity";
const S3_SECRET = "e2e-credential";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Standard output and error of a process, appended to `file` (read back when the test fails). */
const logTo = (file) => ["ignore", openSync(file, "a"), openSync(file, "a")];

/** The last lines of the logs in `files`, to tell why a run failed. */
function tails(files) {
  return files
    .filter((f) => existsSync(f))
    .map((f) => `--- ${f} (last 40 lines)\n` + readFileSync(f, "utf8").split("\n").slice(-40).join("\n"))
    .join("\n");
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function until(what, check, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${ms} ms`);
}

const listening = (port) =>
  new Promise((resolve) => {
    const c = connect(port, "127.0.0.1", () => (c.end(), resolve(true)));
    c.on("error", () => resolve(false));
  });

/** s3proxy with its filesystem backend over `dir`, the bucket made. */
async function startS3(dir) {
  const port = await freePort();
  mkdirSync(join(dir, "backups"), { recursive: true });
  const props = join(dir, "s3proxy.properties");
  writeFileSync(
    props,
    [
      `s3proxy.endpoint=http://127.0.0.1:${port}`,
      "s3proxy.authorization=aws-v2-or-v4",
      `s3proxy.identity=${S3_ID}`,
      `s3proxy.credential=${S3_SECRET}`,
      "jclouds.provider=filesystem",
      `jclouds.filesystem.basedir=${dir}`,
      "",
    ].join("\n"),
  );
  const p = spawn(
    "bash",
    ["-c", `source scripts/java-home.sh && exec "$JAVA_HOME/bin/java" -Xmx256m -jar target/s3proxy.jar --properties ${props}`],
    { cwd: root, stdio: logTo(join(dir, "s3proxy.log")) },
  );
  await until("s3proxy listening", () => listening(port));
  return { process: p, endpoint: `http://127.0.0.1:${port}` };
}

const storeEnv = { AWS_ACCESS_KEY_ID: S3_ID, AWS_SECRET_ACCESS_KEY: S3_SECRET, AWS_REGION: "us-east-1" };

/** `opend1 serve` with the object store in sync mode; resolves once it answers. */
async function startServer(dataDir, s3) {
  const port = await freePort();
  const p = spawn(
    process.env.E2E_OPEND1,
    [
      "serve",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--object-store",
      "s3://backups/e2e",
      "--object-store-endpoint",
      s3.endpoint,
      "--object-store-durability",
      "sync",
    ],
    {
      env: { ...process.env, ...storeEnv, OPEND1_ACCOUNT_ID: ACCOUNT, OPEND1_API_TOKEN: TOKEN },
      stdio: logTo(`${dataDir}.log`),
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await until("opend1 serving", async () => {
    try {
      return (await fetch(`${base}/healthz`)).ok;
    } catch {
      return false;
    }
  });
  return { process: p, api: `${base}/client/v4` };
}

function ok(r) {
  assert.equal(r.status, 0, String(r));
  return r;
}

test("sync mode: kill the server, lose its data directory, recover, find everything", { timeout: 900_000 }, async () => {
  const work = tempDir("backup-");
  const s3 = await startS3(join(work, "s3"));
  const dataDir = join(work, "data");
  let server = await startServer(dataDir, s3);
  try {
    const env = () => ({ CLOUDFLARE_API_BASE_URL: server.api, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT });
    ok(wrangler(["d1", "create", "dr-wrangler"], { env: env() }));
    ok(wrangler(["d1", "execute", "dr-wrangler", "--remote", "--command", "CREATE TABLE t(a INTEGER)"], { env: env() }));
    const first = ok(wrangler(["d1", "time-travel", "info", "dr-wrangler", "--json"], { env: env() })).json().bookmark;
    for (let i = 1; i <= 5; i++) {
      ok(wrangler(["d1", "execute", "dr-wrangler", "--remote", "--command", `INSERT INTO t VALUES (${i})`], { env: env() }));
    }
    // The SDK as users run it, with its default retries: a sync-mode write the store could not take
    // is answered 503 "not applied, retry it". A retried write that had been applied after all would
    // show as a 21st row below.
    const sdk = new Cloudflare({ apiToken: TOKEN, baseURL: server.api, maxRetries: 2 });
    const db = await sdk.d1.database.create({ account_id: ACCOUNT, name: "dr-sdk" });
    await sdk.d1.database.query(db.uuid, { account_id: ACCOUNT, sql: "CREATE TABLE u(b TEXT)" });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sdk.d1.database.query(db.uuid, { account_id: ACCOUNT, sql: "INSERT INTO u VALUES (?)", params: [`row${i}`] }),
      ),
    );

    server.process.kill("SIGKILL");
    await new Promise((r) => server.process.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });

    const recovered = spawnSync(
      process.env.E2E_OPEND1,
      ["recover", "--from", "s3://backups/e2e", "--object-store-endpoint", s3.endpoint, "--data-dir", dataDir],
      { env: { ...process.env, ...storeEnv }, encoding: "utf8", timeout: 300_000 },
    );
    assert.equal(recovered.status, 0, `${recovered.stdout}\n${recovered.stderr}`);
    assert.match(recovered.stdout, /catalog from/);

    server = await startServer(dataDir, s3);
    const listed = ok(wrangler(["d1", "list", "--json"], { env: env() })).json();
    assert.deepEqual(listed.map((d) => d.name).sort(), ["dr-sdk", "dr-wrangler"]);
    const rows = ok(
      wrangler(["d1", "execute", "dr-wrangler", "--remote", "--json", "--command", "SELECT a FROM t ORDER BY a"], { env: env() }),
    ).json();
    assert.deepEqual(rows[0].results.map((r) => r.a), [1, 2, 3, 4, 5]);
    const sdkAfter = new Cloudflare({ apiToken: TOKEN, baseURL: server.api, maxRetries: 0 });
    const page = await sdkAfter.d1.database.query(db.uuid, { account_id: ACCOUNT, sql: "SELECT count(*) AS n FROM u" });
    const results = [];
    for await (const r of page) results.push(r);
    assert.equal(results[0].results[0].n, 20);
    ok(wrangler(["d1", "time-travel", "restore", "dr-wrangler", "--bookmark", first, "--json"], { env: env() }));
    const empty = ok(
      wrangler(["d1", "execute", "dr-wrangler", "--remote", "--json", "--command", "SELECT count(*) AS n FROM t"], { env: env() }),
    ).json();
    assert.equal(empty[0].results[0].n, 0);
  } catch (e) {
    console.error(tails([`${dataDir}.log`, join(work, "s3", "s3proxy.log")]));
    throw e;
  } finally {
    server.process.kill("SIGKILL");
    s3.process.kill("SIGKILL");
  }
});
