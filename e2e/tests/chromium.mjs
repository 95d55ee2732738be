// Headless Chromium (Debian's package) for the console's tests, driven by playwright-core, and
// their screenshots: every one goes to e2e/artifacts/; with CONSOLE_SCREENSHOTS=DIR (relative to
// the repository) those the docs show are written there too.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { tempDir } from "./harness.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const artifacts = join(process.env.E2E_DIR, "artifacts");
const docs = process.env.CONSOLE_SCREENSHOTS ? resolve(process.env.E2E_DIR, "..", process.env.CONSOLE_SCREENSHOTS) : null;

/**
 * A fresh browser profile and one page in it. `errors` collects uncaught page errors and console
 * errors (a refused request, which Chromium logs as a failed resource, is expected and left out).
 */
export async function openBrowser({ width = 1200, height = 760 } = {}) {
  mkdirSync(artifacts, { recursive: true });
  if (docs) mkdirSync(docs, { recursive: true });
  // launchPersistentContext is how playwright passes a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(tempDir("chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width, height },
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  return { context, page, errors };
}

/** Saves a screenshot of `page` as an artifact, and for the docs too when `forDocs`. */
export async function shot(page, name, { forDocs = false, fullPage = false } = {}) {
  const png = await page.screenshot({ fullPage });
  writeFileSync(join(artifacts, `${name}.png`), png);
  if (docs && forDocs) writeFileSync(join(docs, `${name}.png`), png);
}
