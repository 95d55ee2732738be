package dev.opend1.api;

import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Region;
import dev.opend1.engine.QueryInput;
import dev.opend1.engine.ResultSink;
import java.util.List;
import java.util.Optional;

/**
 * A cluster member's read replicas: its own read-only copies of databases another node owns, kept
 * current from their logs in the bucket, which answer a session's reads here instead of forwarding
 * them ({@link ReplicaReads} decides when). Only members with object storage have one.
 */
public interface ReplicaService {

  /**
   * One read pinned to a state of this node's copy.
   *
   * @see #read
   */
  interface Read {
    /** The state the read sees: what the answer's {@code x-d1-bookmark} carries. */
    Bookmark at();

    /** This node's region, which the answer names ({@code served_by_primary: false}). */
    Region region();

    /**
     * Runs the statements read-only, in one transaction, on that state; a statement that writes is
     * refused.
     */
    void execute(List<QueryInput> inputs, ResultSink sink);
  }

  /**
   * A read of {@code db} from this node's copy, once the copy holds {@code lastSeen} (a bookmark a
   * client last saw; empty for a session with no bookmark yet, which any state the copy holds
   * serves), waiting a short bounded time for it. Empty when the copy cannot answer now (it has not
   * reached the bookmark in time, or holds no state yet, or the bookmark is not one it knows): the
   * request goes to the owner, so no answer is ever older than the bookmark sent.
   */
  Optional<Read> read(DatabaseRecord db, Optional<String> lastSeen);

  /** A request that may have written {@code db} went to its owner through this node. */
  void forwardedWrite(DatabaseId db);

  /**
   * The owner's news: the bucket holds {@code db}'s records up to {@code seq}. This node's copy, if
   * it follows the database, takes them now rather than at its next listing.
   */
  void heard(DatabaseId db, long seq);

  /**
   * Tells {@code news} of every commit this node makes (as the owner) once it is durable, so it can
   * pass it on to the nodes that follow the database. Called once, by the edge.
   */
  void onDurable(DurableNews news);

  /** Told of a commit of this node's once it is in the bucket; must not block. */
  @FunctionalInterface
  interface DurableNews {
    void durable(DatabaseId db, long seq);
  }
}
