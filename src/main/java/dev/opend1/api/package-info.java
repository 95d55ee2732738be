/**
 * The HTTP edge: D1's REST routes under {@code /client/v4}, authentication, request parsing and
 * validation, the response envelope, and the single mapping of {@link dev.opend1.core.D1Exception}
 * to HTTP. Handlers parse, make one call, render; they do no SQL, file I/O or locking.
 */
package dev.opend1.api;
