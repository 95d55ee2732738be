// Measures what keeping history costs per commit: bytes of history per single-row INSERT, and
// INSERT latency with 1 and 16 concurrent writers (group commit shares one fsync among them).
// Usage: start a server, then
//   node bench/history-cost.mjs BASE_URL ACCOUNT_ID TOKEN DATA_DIR
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const [base, account, token, dataDir] = process.argv.slice(2);
const api = `${base}/client/v4/accounts/${account}/d1/database`;
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

async function post(path, body) {
  const r = await fetch(api + path, { method: "POST", headers, body: JSON.stringify(body) });
  const j = await r.json();
  if (!j.success) throw new Error(JSON.stringify(j.errors));
  return j.result;
}

function historyBytes(uuid) {
  const dir = join(dataDir, "db", uuid, "history");
  return readdirSync(dir).filter((f) => f.startsWith("seg-")).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function run(writers, perWriter) {
  const { uuid } = await post("", { name: `hist-${writers}-${Date.now()}` });
  await post(`/${uuid}/query`, { sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)" });
  const before = historyBytes(uuid);
  const latencies = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < perWriter; i++) {
        const t0 = performance.now();
        await post(`/${uuid}/query`, { sql: "INSERT INTO t(v) VALUES (?)", params: ["row-value-of-some-length"] });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const commits = writers * perWriter;
  latencies.sort((a, b) => a - b);
  return {
    writers,
    commits,
    bytesPerCommit: Math.round((historyBytes(uuid) - before) / commits),
    commitsPerSecond: Math.round(commits / seconds),
    p50ms: percentile(latencies, 0.5).toFixed(2),
    p99ms: percentile(latencies, 0.99).toFixed(2),
  };
}

await run(1, 200); // warm-up
console.log(JSON.stringify(await run(1, 1000)));
console.log(JSON.stringify(await run(16, 200)));
