// Preload shim for clients that hard-code https://api.cloudflare.com (drizzle-kit's d1-http
// driver, @prisma/adapter-d1's HTTP adapter): loaded with NODE_OPTIONS="--require cf-redirect.cjs"
// and CF_REDIRECT_TO=http://127.0.0.1:PORT, it rewrites every request to api.cloudflare.com to
// the local server, keeping the path. It patches the two ways those clients send requests:
// globalThis.fetch (undici; used by ky in Prisma) and https.request/https.get (used by the
// node-fetch copy bundled in drizzle-kit). Set CF_REDIRECT_DEBUG=1 to log each rewrite.
"use strict";
const http = require("node:http");
const https = require("node:https");

const target = process.env.CF_REDIRECT_TO;
if (!target) {
  throw new Error("cf-redirect.cjs: set CF_REDIRECT_TO, e.g. http://127.0.0.1:8787");
}
const FROM = "https://api.cloudflare.com";
const debug = process.env.CF_REDIRECT_DEBUG === "1";

function rewrite(url) {
  const s = String(url);
  if (!s.startsWith(FROM)) return null;
  const to = target.replace(/\/$/, "") + s.slice(FROM.length);
  if (debug) console.error(`cf-redirect: ${s} -> ${to}`);
  return to;
}

// fetch: a URL string, a URL object or a Request.
const originalFetch = globalThis.fetch;
globalThis.fetch = async function redirectedFetch(input, init) {
  if (input instanceof Request) {
    const to = rewrite(input.url);
    if (to) {
      const body = ["GET", "HEAD"].includes(input.method) ? undefined : await input.arrayBuffer();
      return originalFetch(to, {
        method: input.method,
        headers: input.headers,
        body,
        signal: input.signal,
        ...init,
      });
    }
    return originalFetch(input, init);
  }
  const to = rewrite(input instanceof URL ? input.href : input);
  return originalFetch(to ?? input, init);
};

// https.request / https.get: (url[, options][, callback]) or (options[, callback]).
function redirectArgs(args) {
  let [first, second] = args;
  let url = null;
  if (typeof first === "string" || first instanceof URL) {
    url = rewrite(first instanceof URL ? first.href : first);
    if (!url) return null;
    const options = typeof second === "object" && second !== null && !(second instanceof Function) ? second : {};
    const rest = options === second ? args.slice(2) : args.slice(1);
    return [new URL(url), { ...options, agent: undefined }, ...rest];
  }
  if (typeof first === "object" && first !== null) {
    const host = first.hostname || first.host;
    if (host !== "api.cloudflare.com") return null;
    const to = new URL(rewrite(FROM + (first.path || "/")));
    const options = { ...first, protocol: to.protocol, hostname: to.hostname, host: to.hostname, port: to.port, path: to.pathname + to.search, agent: undefined };
    return [options, ...args.slice(1)];
  }
  return null;
}

for (const name of ["request", "get"]) {
  const original = https[name];
  https[name] = function redirected(...args) {
    const redirected = redirectArgs(args);
    return redirected ? http[name](...redirected) : original.apply(https, args);
  };
}
