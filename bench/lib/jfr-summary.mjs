// Summarises `jfr print --events jdk.ExecutionSample` (read from standard input) into the hot
// spots: the top frames (where the CPU was), the top frames' packages, and the opend1 methods
// that were anywhere on the sampled stacks (inclusive time).
// Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample F.jfr | node jfr-summary.mjs TITLE
import { readFileSync } from "node:fs";

const title = process.argv[2];
const text = readFileSync(0, "utf8");
const samples = text.split("jdk.ExecutionSample {").slice(1).map((ev) => {
  const body = ev.slice(ev.indexOf("stackTrace = ["));
  return body
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l && l !== "]" && l !== "}" && l !== "...")
    .map((l) => l.replace(/\s+line:.*$/, "").replace(/\(.*$/, ""));
});
const count = (keys) => {
  const m = new Map();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
const pkg = (frame) => frame.split(".").slice(0, -2).join(".") || frame;
const n = samples.length;
const pct = (c) => `${((100 * c) / n).toFixed(1).padStart(5)}%`;
const out = [`JFR execution samples of opend1 under the ${title} load: ${n} samples`, ""];
out.push("Top frames (self time):");
for (const [f, c] of count(samples.map((s) => s[0])).slice(0, 25)) out.push(`  ${pct(c)}  ${f}`);
out.push("", "Top frames by package (self time):");
for (const [p, c] of count(samples.map((s) => pkg(s[0]))).slice(0, 15)) out.push(`  ${pct(c)}  ${p}`);
out.push("", "dev.opend1 methods on the stack (inclusive time; stacks are truncated at 64 frames):");
for (const [f, c] of count(samples.flatMap((s) => [...new Set(s.filter((f) => f.startsWith("dev.opend1.")))])).slice(0, 25))
  out.push(`  ${pct(c)}  ${f}`);
console.log(out.join("\n"));
