package dev.opend1.analytics;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;

/**
 * Where the HTTP edge reports each finished query request, for the analytics. Recording must not
 * slow a request down or fail it: implementations only count in memory and never throw.
 */
public interface QueryRecorder {

  /** A request whose statements ran (and, for a write, committed). */
  void succeeded(Batch batch);

  /** A request that failed: a SQL error, a refusal, an overload. */
  void failed(AccountId account, DatabaseId database);

  /** Records nothing. */
  QueryRecorder NONE =
      new QueryRecorder() {
        @Override
        public void succeeded(Batch batch) {}

        @Override
        public void failed(AccountId account, DatabaseId database) {}
      };
}
