// The console's download worker (a service worker, scope /console/download/). A link cannot send
// the API token, which opend1 takes only in a header, so the page hands this worker one download
// at a time (the API path, the token, a file name and a port to answer on) and then navigates to
// /console/download/ID; the worker fetches the API with the token and answers that navigation
// with the API's body, streamed, as an attachment: the browser saves it to disk and nothing is
// copied into the page. An API error is sent back over the port and the navigation answered 204
// (the page stays). Each download is used once.

/** Download id -> {url, token, filename, port}, from the page's message until its navigation. */
const pending = new Map();

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("message", (e) => {
  const { id, url, token, filename } = e.data;
  pending.set(id, { url, token, filename, port: e.ports[0] });
  e.ports[0].postMessage({ ready: true });
});

self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  const prefix = new URL("./", self.registration.scope).pathname;
  if (url.origin !== self.location.origin || !url.pathname.startsWith(prefix)) return;
  const id = url.pathname.slice(prefix.length);
  const job = pending.get(id);
  pending.delete(id);
  e.respondWith(job ? answer(job) : new Response("This download was already used: start it again from the console.", { status: 410 }));
});

async function answer({ url, token, filename, port }) {
  let res;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (e) {
    port.postMessage({ error: `Cannot reach the server: ${e.message}` });
    return new Response(null, { status: 204 });
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = await res.json();
      message = (body.errors ?? []).map((x) => x.message).join("; ") || message;
    } catch {
      // Not D1's envelope: the status says enough.
    }
    port.postMessage({ error: message });
    return new Response(null, { status: 204 });
  }
  port.postMessage({ started: true });
  const headers = new Headers({
    "Content-Type": res.headers.get("Content-Type") ?? "application/octet-stream",
    "Content-Disposition": `attachment; filename="${filename.replace(/["\\\r\n]/g, "_")}"`,
  });
  return new Response(res.body, { status: 200, headers });
}
