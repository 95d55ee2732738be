// Real headless Chromium (Debian's package) driven by playwright-core, for the console tests of the
// data tools: a fresh profile, errors the page logs collected, screenshots to e2e/artifacts/ and,
// with CONSOLE_SCREENSHOTS=DIR, the ones the docs show to DIR too.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { server, tempDir } from "./harness.mjs";

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

/** Starts Chromium with one page; `errors` collects what the page throws or logs as an error. */
export async function openBrowser({ width = 1200, height = 760 } = {}) {
  mkdirSync(artifacts, { recursive: true });
  if (docs) mkdirSync(docs, { recursive: true });
  const downloads = tempDir("chromium-downloads-");
  const context = await chromium.launchPersistentContext(tempDir("chromium-"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    downloadsPath: downloads,
    viewport: { width, height },
  });
  context.setDefaultTimeout(30_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // A 4xx answer is logged by Chromium as a failed resource: those are expected.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  return {
    context,
    page,
    errors,
    /** Saves a screenshot as an artifact, and to the docs' folder when asked and set. */
    async shot(name, { forDocs = false } = {}) {
      const png = await page.screenshot({ fullPage: false });
      writeFileSync(join(artifacts, `${name}.png`), png);
      if (docs && forDocs) writeFileSync(join(docs, `${name}.png`), png);
    },
  };
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
