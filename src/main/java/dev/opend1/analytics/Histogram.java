package dev.opend1.analytics;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Durations in logarithmic buckets, so that the quantiles of any group of minutes (an hour, a day,
 * a query over a month) come from merging the minutes' histograms: quantiles themselves cannot be
 * merged.
 *
 * <p>Bucket {@code i > 0} holds the durations in {@code [MIN * G^(i-1), MIN * G^i)} with {@code G =
 * 2^(1/8)}, so a quantile is known to within about 4.5% (it is reported as its bucket's geometric
 * middle); bucket 0 holds everything under {@link #MIN_MS}. The counts are kept for the run of
 * buckets between the lowest and the highest used, which for one statement's durations is a few
 * dozen ints.
 *
 * <p>Not thread-safe: a histogram belongs to one tally, which its owner guards.
 */
final class Histogram {

  /** The lowest duration told apart from zero: one microsecond. */
  static final double MIN_MS = 0.001;

  private static final int BUCKETS_PER_DOUBLING = 8;

  /** Bucket of the longest duration told apart: 2^40 microseconds, about 12.7 days. */
  private static final int TOP = 40 * BUCKETS_PER_DOUBLING + 1;

  /** Index of {@code counts[0]}. */
  private int offset;

  private long[] counts = new long[0];

  private long total;

  /** Counts one duration, in milliseconds. */
  void add(double ms) {
    addCount(bucket(ms), 1);
  }

  /** Adds another histogram's counts to this one. */
  void add(Histogram other) {
    for (int i = 0; i < other.counts.length; i++) {
      if (other.counts[i] != 0) {
        addCount(other.offset + i, other.counts[i]);
      }
    }
  }

  long total() {
    return total;
  }

  /**
   * The duration at quantile {@code q} (0.5 for the median): the middle of the bucket that holds
   * the {@code ceil(q * total)}-th shortest duration; 0 when empty.
   */
  double quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return middle(offset + i);
      }
    }
    return middle(offset + counts.length - 1);
  }

  static int bucket(double ms) {
    if (!(ms >= MIN_MS)) {
      return 0;
    }
    double doublings = Math.log(ms / MIN_MS) / Math.log(2);
    return (int) Math.min(TOP, 1 + Math.floor(doublings * BUCKETS_PER_DOUBLING));
  }

  private static double middle(int bucket) {
    if (bucket == 0) {
      return 0;
    }
    return MIN_MS * Math.pow(2, (bucket - 0.5) / BUCKETS_PER_DOUBLING);
  }

  private void addCount(int bucket, long n) {
    if (counts.length == 0) {
      offset = bucket;
      counts = new long[1];
    } else if (bucket < offset) {
      long[] grown = new long[counts.length + offset - bucket];
      System.arraycopy(counts, 0, grown, offset - bucket, counts.length);
      counts = grown;
      offset = bucket;
    } else if (bucket >= offset + counts.length) {
      counts = Arrays.copyOf(counts, bucket - offset + 1);
    }
    counts[bucket - offset] += n;
    total += n;
  }

  /** The stored form: the first bucket's index, then each count, as unsigned varints. */
  byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(counts.length + 2);
    writeVarint(out, offset);
    for (long c : counts) {
      writeVarint(out, c);
    }
    return out.toByteArray();
  }

  /** Reads {@link #toBytes}'s form; null or empty gives an empty histogram. */
  static Histogram fromBytes(byte[] bytes) {
    Histogram h = new Histogram();
    if (bytes == null || bytes.length == 0) {
      return h;
    }
    int[] at = {0};
    int first = (int) readVarint(bytes, at);
    for (int bucket = first; at[0] < bytes.length; bucket++) {
      long n = readVarint(bytes, at);
      if (n > 0) {
        h.addCount(Math.min(bucket, TOP), n);
      }
    }
    return h;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; at[0] < b.length && shift < 64; shift += 7) {
      int x = b[at[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
    }
    return v;
  }
}
