// Starts Miniflare's local D1 behind worker.js on 127.0.0.1:PORT, persisting to DIR, and runs
// until it is sent SIGTERM or SIGINT. Prints "ready" on standard output once it answers.
// Usage: node serve.mjs PORT DIR
import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";

const [port, dir] = process.argv.slice(2);
const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(port),
  modules: true,
  script: readFileSync(new URL("./worker.js", import.meta.url), "utf8"),
  compatibilityDate: "2025-09-01",
  d1Databases: { DB: "bench" },
  d1Persist: dir,
});
await mf.ready;
console.log("ready");
const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
