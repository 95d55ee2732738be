// Saves an API answer (a GET below /client/v4) straight to disk, without a copy in the page: a
// link cannot carry the token, so a service worker (download-worker.js) fetches the answer with it
// and streams it to the browser's download. Service workers need a secure context (https, or
// http on localhost); elsewhere the error names the curl command that does the same.
import { session } from "./api.js";

const WORKER = "/console/download-worker.js";
const SCOPE = "/console/download/";

/** The worker, registered and activated once per page. */
let worker = null;

function activeWorker() {
  worker ??= (async () => {
    const reg = await navigator.serviceWorker.register(WORKER, { scope: SCOPE });
    const sw = reg.installing ?? reg.waiting ?? reg.active;
    if (sw.state !== "activated") {
      await new Promise((resolve) => sw.addEventListener("statechange", () => sw.state === "activated" && resolve()));
    }
    return sw;
  })().catch((e) => {
    worker = null;
    throw e;
  });
  return worker;
}

/**
 * Saves the answer of GET `path` (below /client/v4, with its query) as `filename`. Resolves once
 * the download has started; rejects with the API's error, in which case nothing is saved.
 */
export async function saveToDisk(path, filename) {
  const url = `/client/v4${path}`;
  if (!window.isSecureContext || !navigator.serviceWorker) {
    throw new Error(`Downloading here needs the console on https or localhost. From a shell: curl -H "Authorization: Bearer $TOKEN" -o ${filename} '${location.origin}${url}'`);
  }
  const sw = await activeWorker();
  const id = crypto.randomUUID();
  const channel = new MessageChannel();
  const answers = [];
  let wake = null;
  channel.port1.onmessage = (e) => {
    answers.push(e.data);
    wake?.();
  };
  const next = () => (answers.length ? Promise.resolve(answers.shift()) : new Promise((r) => (wake = r)).then(() => answers.shift()));
  sw.postMessage({ id, url, token: session.token, filename }, [channel.port2]);
  await next(); // the worker holds the job
  const link = document.createElement("a");
  link.href = SCOPE + id;
  link.click();
  const outcome = await next();
  channel.port1.close();
  if (outcome.error) throw new Error(outcome.error);
}
