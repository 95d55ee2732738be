package dev.opend1.history;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What shipping history to object storage did since start, for the metrics and the status. */
public final class ReplicationCounters {

  /** Objects written. */
  public final LongAdder uploads = new LongAdder();

  /** Bytes written. */
  public final LongAdder uploadedBytes = new LongAdder();

  /** Shipments that failed (the store unreachable, slow, refusing). */
  public final LongAdder failures = new LongAdder();

  /** Databases whose shipping stopped because another server writes to the same prefix. */
  private final Set<String> fenced = ConcurrentHashMap.newKeySet();

  /** The last failure's message, or null (never holds a secret: the SDK's messages do not). */
  private volatile String lastError;

  void uploaded(long bytes) {
    uploads.increment();
    uploadedBytes.add(bytes);
  }

  void failed(String why) {
    failures.increment();
    lastError = why;
  }

  void recovered() {
    lastError = null;
  }

  void fenced(String databaseId) {
    fenced.add(databaseId);
  }

  /** The databases whose shipping is fenced off. */
  public Set<String> fencedDatabases() {
    return Set.copyOf(fenced);
  }

  /** Why the last shipment failed, or null when the last one succeeded. */
  public String lastError() {
    return lastError;
  }
}
