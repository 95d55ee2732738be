package dev.opend1.api;

import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.engine.BytePipe;
import dev.opend1.engine.HeldBytes;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import java.util.List;
import java.util.Optional;

/**
 * What the query routes ({@code /query}, {@code /raw}) need: a request's statements run against a
 * database, their results delivered to a {@link ResultSink} that writes them as D1's JSON, and the
 * buffers that response is held or streamed through (bounded by the server's spill space).
 */
public interface QueryService {

  /** A buffer for results that must wait for their commit. */
  HeldBytes holdResults();

  /** A pipe that carries a streamed read's results to a client of any speed. */
  BytePipe pipeResults();

  /**
   * Runs the statements, in one transaction, delivering each one's results to {@code sink} on the
   * engine's thread.
   *
   * @param readOnly true for a token without write rights: a write statement is refused
   */
  void execute(DatabaseId id, List<QueryInput> inputs, boolean readOnly, ResultSink sink);

  /**
   * The bookmark of the newest state of the database this node answers from. Asked once a request's
   * read has begun, it names a state at or after the one the request saw: what the response's
   * {@code x-d1-bookmark} carries. A write's answer carries the bookmark its commit gave ({@link
   * ResultSink#durable}) instead, never asked after the commit.
   */
  Bookmark bookmark(DatabaseId id);

  /**
   * Returns once this node's copy of the database is at or after {@code bookmark}, the one a client
   * last saw ({@code x-d1-bookmark}), so the request reads nothing older; refuses a malformed
   * bookmark, or one this node's copy cannot reach, in D1's envelope.
   */
  void awaitBookmark(DatabaseId id, String bookmark);

  /**
   * The bookmark a request as of a bookmark or a timestamp (exactly one of them) reads; errors as a
   * restore to it would give (an opend1 extension).
   */
  Bookmark asOf(DatabaseId id, Optional<String> bookmark, Optional<String> timestamp);

  /**
   * Runs the statements read-only, in one transaction, against the database's state at {@code at}
   * (from {@link #asOf}): a statement that writes is refused.
   */
  void executeAsOf(DatabaseId id, Bookmark at, List<QueryInput> inputs, ResultSink sink);
}
