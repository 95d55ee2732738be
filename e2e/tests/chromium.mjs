// Headless Chromium (Debian's package) for the console's tests, driven by playwright-core, and
// their screenshots: every one goes to e2e/artifacts/; with CONSOLE_SCREENSHOTS=DIR (relative to
// the repository) those the docs show are written there too.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { server, tempDir } from "./harness.mjs";

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
  // Lets the page read performance.memory precisely (the export test weighs its heap).
  "--enable-precise-memory-info",
];
const artifacts = join(process.env.E2E_DIR, "artifacts");
const docs = process.env.CONSOLE_SCREENSHOTS ? resolve(process.env.E2E_DIR, "..", process.env.CONSOLE_SCREENSHOTS) : null;

/**
 * A fresh browser profile and one page in it, with downloads to a temporary folder and the
 * clipboard allowed. `errors` collects uncaught page errors and console errors (a refused request,
 * which Chromium logs as a failed resource, is expected and left out); `shot(name, options)` is
 * {@link shot} of this page.
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
    downloadsPath: tempDir("chromium-downloads-"),
    viewport: { width, height },
  });
  context.setDefaultTimeout(30_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  return { context, page, errors, shot: (name, options) => shot(page, name, options) };
}

/** Opens a database's tab, signed in with the suite's token (the sign-in form has its own test). */
export async function signInTo(page, databaseId, tab) {
  await page.goto(`${server.base}/`);
  await page.evaluate(([token, account]) => {
    sessionStorage.setItem("opend1.token", token);
    sessionStorage.setItem("opend1.account", account);
  }, [server.token, server.account]);
  await page.goto(`${server.base}/#/db/${databaseId}/${tab}`);
  await page.reload();
}

/** Saves a screenshot of `page` as an artifact, and for the docs too when `forDocs`. */
export async function shot(page, name, { forDocs = false, fullPage = false } = {}) {
  const png = await page.screenshot({ fullPage });
  writeFileSync(join(artifacts, `${name}.png`), png);
  if (docs && forDocs) writeFileSync(join(docs, `${name}.png`), png);
}
