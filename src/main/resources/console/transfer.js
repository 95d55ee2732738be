// The export/import tab, following D1's polling protocols.
// Export: POST export, poll with current_bookmark = at_bookmark until complete (the job's messages
// are its progress), then send the browser to the signed URL: the browser's own download saves the
// file to disk, so a dump of any size never passes through the page's memory. Import: MD5 of the
// chosen .sql file as the etag, init, PUT the file to upload_url (XHR, for upload progress),
// ingest, poll until complete; a failing statement is shown with its text.
import { db, ApiError } from "./api.js";
import { h, errorBox, busy, bytes, pause } from "./dom.js";
import { md5OfFile } from "./md5.js";
import { failingStatement } from "./importfailure.js";

/** Time between two polls of a running job. */
const POLL_MS = 250;

function progressRow(id) {
  const bar = h("progress", { id, max: 1, value: 0 });
  const label = h("span", { class: "muted" });
  const row = h("p", { class: "progress", hidden: true }, bar, " ", label);
  return {
    row,
    set(done, total, text) {
      row.hidden = false;
      if (total) {
        bar.max = total;
        bar.value = done;
      } else bar.removeAttribute("value");
      label.textContent = text;
    },
  };
}

/** Appends job messages to a log list. */
function logTo(list, lines) {
  for (const line of lines ?? []) list.append(h("li", {}, line));
}

/** A job outcome that failed inside `result` (export/import polling) as an error. */
function failed(r) {
  const text = r.error ?? (Array.isArray(r.errors) ? r.errors.join("; ") : null);
  return new ApiError(text ?? "The job failed without a message.");
}

/** PUTs a file to a signed upload URL with progress; resolves to the ETag the server answered. */
function upload(url, file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (e) => progress.set(e.loaded, e.total || file.size, `${bytes(e.loaded)} of ${bytes(file.size)} uploaded`);
    xhr.onload = () => {
      if (xhr.status === 200) {
        progress.set(file.size, file.size || 1, `${bytes(file.size)} uploaded`);
        return resolve((xhr.getResponseHeader("ETag") ?? "").replaceAll('"', ""));
      }
      let message = `Upload failed: HTTP ${xhr.status}`;
      try {
        message = JSON.parse(xhr.responseText).errors.map((e) => e.message).join("; ") || message;
      } catch {
        // not an envelope: keep the status line
      }
      reject(new ApiError(message, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("Upload failed: the connection was lost."));
    xhr.send(file);
  });
}

function exportCard(database, path) {
  const noSchema = h("input", { type: "checkbox", id: "export-no-schema" });
  const noData = h("input", { type: "checkbox", id: "export-no-data" });
  const start = h("button", { type: "button", id: "export" }, "Export");
  const log = h("ul", { class: "log", id: "export-log" });
  const progress = progressRow("export-progress");
  const saved = h("p", { id: "export-saved" });
  const errors = errorBox();
  errors.id = "export-error";

  start.addEventListener("click", () =>
    busy(start, errors, async () => {
      log.replaceChildren();
      saved.replaceChildren();
      const body = { output_format: "polling", dump_options: { no_schema: noSchema.checked, no_data: noData.checked } };
      let r = await db("POST", path(), { body });
      logTo(log, r.messages);
      while (r.status === "active") {
        progress.set(0, 0, r.messages?.at(-1) ?? "Dumping…");
        await pause(POLL_MS);
        r = await db("POST", path(), { body: { ...body, current_bookmark: r.at_bookmark } });
        logTo(log, r.messages);
      }
      if (r.status !== "complete") throw failed(r);
      progress.set(1, 1, `Dump complete at bookmark ${r.at_bookmark}`);
      // The signed URL answers as an attachment: the browser saves it and shows its own progress.
      const link = h("a", { href: r.result.signed_url, download: r.result.filename }, "Download again");
      saved.replaceChildren(
        "The browser is saving the dump straight from the server (see its downloads). ",
        link,
        h("span", { class: "muted" }, ` · ${r.result.filename}`),
      );
      link.click();
    }),
  );

  return h(
    "div",
    { class: "card" },
    h("h2", {}, "Export"),
    h("p", { class: "muted" }, "A SQL dump of the database, as sqlite3's .dump writes it."),
    h("p", {}, h("label", {}, noSchema, " data only "), h("label", {}, noData, " schema only ")),
    start,
    progress.row,
    log,
    saved,
    errors,
  );
}

function importCard(database, path) {
  const file = h("input", { type: "file", id: "import-file", accept: ".sql,text/plain,application/sql" });
  const start = h("button", { type: "button", id: "import" }, "Import");
  const hashing = progressRow("import-hash");
  const uploading = progressRow("import-progress");
  const status = h("p", { id: "import-status" });
  const log = h("ul", { class: "log", id: "import-log" });
  const errors = errorBox();
  errors.id = "import-error";
  const failing = failingStatement();

  start.addEventListener("click", () =>
    busy(start, errors, async () => {
      const chosen = file.files[0];
      if (!chosen) throw new Error("Choose a .sql file first.");
      log.replaceChildren();
      status.textContent = "";
      await failing.show(null);
      const etag = await md5OfFile(chosen, (d, t) => hashing.set(d, t, `checksum ${bytes(d)} of ${bytes(t)}`));
      hashing.set(1, 1, `MD5 ${etag}`);
      let r = await db("POST", path(), { body: { action: "init", etag } });
      if (r.upload_url) {
        const answered = await upload(r.upload_url, chosen, uploading);
        if (answered !== etag) throw new ApiError(`The upload arrived damaged: ETag ${answered}, expected ${etag}.`);
        r = await db("POST", path(), { body: { action: "ingest", etag, filename: r.filename } });
      } else {
        uploading.set(1, 1, "already uploaded");
      }
      logTo(log, r.messages);
      while (r.status === "active") {
        status.textContent = "Importing…";
        await pause(POLL_MS);
        r = await db("POST", path(), { body: { action: "poll", current_bookmark: r.at_bookmark } });
        logTo(log, r.messages);
      }
      database.changed();
      if (r.status !== "complete" || r.success === false) {
        const error = failed(r);
        await failing.show(chosen, error.message);
        throw error;
      }
      const m = r.result?.meta ?? {};
      status.textContent =
        `Import complete: ${r.result?.num_queries ?? 0} queries applied, ${m.rows_written ?? 0} rows written` +
        ` (now at bookmark ${r.result?.final_bookmark ?? ""}).`;
    }),
  );

  return h(
    "div",
    { class: "card" },
    h("h2", {}, "Import"),
    h("p", { class: "muted" }, "Runs a .sql file as one transaction: on any error nothing is applied."),
    h("p", {}, file, " ", start),
    hashing.row,
    uploading.row,
    status,
    log,
    errors,
    failing.element,
  );
}

export function transferPanel(database) {
  const path = (kind) => () => `/${encodeURIComponent(database.id)}/${kind}`;
  return {
    element: h("div", { class: "panel" }, exportCard(database, path("export")), importCard(database, path("import"))),
  };
}
