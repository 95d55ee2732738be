// The session (API token and account, in sessionStorage only) and calls to opend1's D1 REST API,
// same origin, under /client/v4. Every failure becomes an ApiError with the envelope's messages.
import { asOfQuery } from "./asof.js";

const V4 = "/client/v4";
const TOKEN = "opend1.token";
const ACCOUNT = "opend1.account";

/** A failed call: `message` joins the envelope's errors[].message; `status` is the HTTP status. */
export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN);
  },
  get account() {
    return sessionStorage.getItem(ACCOUNT);
  },
  signIn(token, account) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(ACCOUNT, account);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(ACCOUNT);
  },
};

/** The envelope's error text, or a description of a body that is not one. */
function envelopeError(status, body) {
  const messages = (body?.errors ?? []).map((e) => e.message).filter(Boolean);
  if (messages.length) return new ApiError(messages.join("; "), status);
  // Job outcomes carry their failure inside result (export/import polling).
  if (body?.result?.error) return new ApiError(body.result.error, status);
  return new ApiError(`HTTP ${status}: the server gave no error message`, status);
}

/**
 * Calls `method path` (path below /client/v4) with the session's token, or `token` if given.
 * Resolves to the whole envelope; rejects with ApiError when success is not true.
 */
export async function call(method, path, { body, query, token = session.token } = {}) {
  let url = V4 + path;
  if (query) {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ""));
    if (q.size) url += "?" + q;
  }
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(`Cannot reach the server: ${e.message}`);
  }
  let envelope;
  try {
    envelope = await res.json();
  } catch {
    throw new ApiError(`HTTP ${res.status}: the answer is not JSON`, res.status);
  }
  if (res.status === 401 && token === session.token) {
    // The session's token was revoked (or the data directory replaced): back to sign-in.
    session.signOut();
    window.dispatchEvent(new CustomEvent("opend1:signed-out", { detail: envelopeError(401, envelope).message }));
  }
  if (!res.ok || envelope.success !== true) throw envelopeError(res.status, envelope);
  return envelope;
}

/**
 * Calls a path below the signed-in account's databases (`db("POST", "/ID/query", …)`); resolves to
 * `result`. A /query or /raw call of a database viewed as of a past commit (asof.js) reads that
 * commit: its bookmark is added here, so no caller has to pass it on.
 */
export async function db(method, subpath, options = {}) {
  const account = encodeURIComponent(session.account);
  const query = { ...asOfQuery(subpath), ...options.query };
  return (await call(method, `/accounts/${account}/d1/database${subpath}`, { ...options, query })).result;
}
