/**
 * The HTTP edge: D1's REST routes under {@code /client/v4}, authentication, request parsing and
 * validation, the response envelope, and the single mapping of {@link dev.opend1.core.D1Exception}
 * to HTTP. Handlers parse, make one call, render; they do no SQL, file I/O or locking.
 *
 * <p>Each route group calls one narrow interface declared here ({@link
 * dev.opend1.api.DatabaseService}, {@link dev.opend1.api.QueryService}, {@link
 * dev.opend1.api.TimeTravelService}, {@link dev.opend1.api.TransferService}, {@link
 * dev.opend1.api.StatusService}) or the catalog's {@code Accounts} and {@code Tokens}, handed in
 * together as {@link dev.opend1.api.Services}. Of the packages below it uses only interfaces and
 * records: no engine, history or transfer class (the build checks it).
 */
package dev.opend1.api;
