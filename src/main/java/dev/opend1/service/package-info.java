/**
 * The services behind the HTTP edge: {@link dev.opend1.service.DatabaseLifecycle} (create, delete
 * and crash recovery across the catalog and the engine) and the thin adapters that implement the
 * interfaces {@code api} declares, one per route group, over the engine, the history, the transfers
 * and the catalog. {@link dev.opend1.service.EdgeServices} puts them together for {@code Wiring}.
 * Nothing here parses HTTP, and {@code api} never sees these classes.
 */
package dev.opend1.service;
