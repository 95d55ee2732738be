package dev.opend1.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long the owner of one lease may keep writing, by its own monotonic clock: until {@code
 * heldUntil} = (when it SENT the acquire or renew that was granted) + ttl − margin.
 *
 * <p>Why that is safe: PostgreSQL sets the lease to lapse at its {@code now()} + ttl, and its
 * {@code now()} is read after the request arrived, so after it was sent. Both ends measure only an
 * interval that starts at the send, the node from before and PostgreSQL from after it, so the
 * offset between the two clocks never enters: only their rates do. If the node's clock runs slow by
 * a fraction ρ against PostgreSQL's, the node's ttl − margin lasts (ttl − margin)/(1 − ρ) of
 * PostgreSQL's time; a margin of at least ρ·ttl (with ρ for both clocks' drift, well under 1% on
 * any machine, so 10% of the ttl is generous) keeps the node's deadline before the lapse. An answer
 * that arrives late only shortens what the node believes; a request that never gets an answer
 * leaves the last deadline in place, which an earlier grant already guaranteed.
 *
 * <p>What this cannot cover: a process paused between checking {@link #mayWrite} and its write (a
 * long GC, SIGSTOP). That is what the lease's epoch is for: writes carry it, and whatever they
 * reach refuses an epoch older than the newest it has seen.
 */
public final class LeaseClock {

  private final Duration margin;
  private final LongSupplier nanoTime;

  /** Guards heldUntil and held: grants and checks come from the renewer and the writers. */
  private final Object lock = new Object();

  private long heldUntil;
  private boolean held;

  /** A clock on {@link System#nanoTime}, stopping {@code margin} before each grant's ttl. */
  public LeaseClock(Duration margin) {
    this(margin, System::nanoTime);
  }

  LeaseClock(Duration margin, LongSupplier nanoTime) {
    if (margin.isNegative() || margin.isZero()) {
      throw new IllegalArgumentException("the safety margin must be positive: " + margin);
    }
    this.margin = margin;
    this.nanoTime = nanoTime;
  }

  /** The local time to read just before sending an acquire or renew, for {@link #granted}. */
  public long beforeSend() {
    return nanoTime.getAsLong();
  }

  /**
   * Records a grant of {@code ttl} asked for at {@code sentAt} (from {@link #beforeSend}); the
   * deadline only moves later, so an old answer arriving after a newer one changes nothing.
   */
  public void granted(long sentAt, Duration ttl) {
    if (ttl.compareTo(margin) <= 0) {
      throw new IllegalArgumentException(
          "a lease's ttl " + ttl + " must be longer than the safety margin " + margin);
    }
    long until = sentAt + ttl.toNanos() - margin.toNanos();
    synchronized (lock) {
      if (!held || until - heldUntil > 0) {
        heldUntil = until;
      }
      held = true;
    }
  }

  /** A renew was refused, or the lease released: stop writing now. */
  public void lost() {
    synchronized (lock) {
      held = false;
    }
  }

  /** True while writes are allowed: a grant holds and its deadline has not passed. */
  public boolean mayWrite() {
    return !remaining().isZero();
  }

  /** How long writes stay allowed without another grant; zero once they are not. */
  public Duration remaining() {
    synchronized (lock) {
      if (!held) {
        return Duration.ZERO;
      }
      long left = heldUntil - nanoTime.getAsLong();
      return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }
  }
}
