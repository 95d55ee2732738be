package dev.opend1.sql;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads statements one at a time from a SQL text too large to hold (an import of gigabytes), by
 * exactly the rules of {@link StatementSplitter}: the same {@link Tokenizer}, {@link
 * StatementBoundary} and {@link StatementClassifier}, fed as the text arrives.
 *
 * <p>Memory is bounded by the longest statement (with the comments before it), which is refused
 * past {@code maxChars}: the buffer holds the statement being read and at most about as much again.
 * Reads come in growing chunks (at least as much as is pending), so a token longer than a chunk (a
 * large blob literal) is rescanned a logarithmic number of times, not once per chunk; consumed text
 * is dropped from the buffer once it is at least half of it.
 *
 * <p>Not thread-safe: one reader, one caller.
 */
public final class StatementStream {

  private final Reader in;
  private final int maxChars;

  /** The least that {@link #fill} reads at a time. */
  private final int chunk;

  /** Text read and not yet dropped; {@link #pos} and {@link #tokens} are offsets into it. */
  private final StringBuilder buf = new StringBuilder();

  /** The tokens of the statement being read. */
  private final List<Token> tokens = new ArrayList<>();

  private final StatementBoundary boundary = new StatementBoundary();

  /** Where tokenizing resumes. */
  private int pos;

  /** Whether the reader is exhausted. */
  private boolean eof;

  /** Statements returned so far (so the 1-based number of the last one). */
  private long count;

  /** Statements from {@code in}, each at most {@code maxChars} long. */
  public StatementStream(Reader in, int maxChars) {
    this(in, maxChars, 1 << 16);
  }

  /** With reads of at least {@code chunk} characters (tests use tiny ones). */
  StatementStream(Reader in, int maxChars, int chunk) {
    this.in = in;
    this.maxChars = maxChars;
    this.chunk = chunk;
  }

  /** A statement longer than the limit. */
  public static final class TooLong extends IOException {
    TooLong(long number, int max) {
      super("statement " + number + " is longer than " + max + " characters");
    }
  }

  /** The next statement, or null at the end. */
  public SqlStatement next() throws IOException {
    while (true) {
      Token t = Tokenizer.next(buf, pos, eof);
      if (t == null && !eof) {
        fill();
        continue;
      }
      if (t == null || boundary.ends(buf, t)) {
        pos = t == null ? buf.length() : t.end();
        boundary.reset();
        SqlStatement s = take();
        if (s != null) {
          count++;
          return s;
        }
        if (t == null) {
          return null;
        }
        continue;
      }
      tokens.add(t);
      pos = t.end();
    }
  }

  /** How many statements {@link #next} returned. */
  public long count() {
    return count;
  }

  /** The statement of the tokens read, or null when there are none; clears them. */
  private SqlStatement take() throws TooLong {
    if (tokens.isEmpty()) {
      return null;
    }
    int start = tokens.get(0).start();
    int end = tokens.get(tokens.size() - 1).end();
    if (end - start > maxChars) {
      throw new TooLong(count + 1, maxChars);
    }
    String text = buf.substring(start, end);
    List<Token> own = new ArrayList<>(tokens.size());
    for (Token t : tokens) {
      own.add(t.shifted(-start));
    }
    tokens.clear();
    return StatementClassifier.classify(text, own);
  }

  /** Reads more text: at least a chunk, and at least as much as is pending. */
  private void fill() throws IOException {
    int keep = tokens.isEmpty() ? pos : tokens.get(0).start();
    int pending = buf.length() - keep;
    if (pending > maxChars) {
      throw new TooLong(count + 1, maxChars);
    }
    if (keep > 0 && keep >= buf.length() / 2) {
      buf.delete(0, keep);
      pos -= keep;
      tokens.replaceAll(t -> t.shifted(-keep));
    }
    char[] more = new char[Math.max(chunk, pending)];
    int filled = 0;
    while (filled < more.length) {
      int n = in.read(more, filled, more.length - filled);
      if (n < 0) {
        eof = true;
        break;
      }
      filled += n;
    }
    buf.append(more, 0, filled);
  }
}
