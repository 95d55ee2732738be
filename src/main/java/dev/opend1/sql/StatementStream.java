package dev.opend1.sql;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads statements one at a time from a SQL text too large to hold (an import of gigabytes), by
 * exactly the rules of {@link StatementSplitter}: the same {@link Tokenizer}, {@link
 * StatementBoundary} and {@link StatementClassifier}, fed as the text arrives. Each statement comes
 * with its {@link LiteralRows} shape, read from the same tokens.
 *
 * <p>A dump is mostly INSERTs of literal rows, each table's with the same text up to {@code
 * VALUES}. Once one of them was read with tokens, a statement that starts with the same text is
 * read by {@link LiteralRowsScan} from its {@code VALUES} on, without tokens: it is the same
 * statement but for its text (the literals add no name, no function, nothing the classifier
 * reports), with the same shape but for its row sizes. Whatever that scan does not accept is read
 * with tokens, as any other statement.
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

  private final LiteralRowsScan scan = new LiteralRowsScan();

  /**
   * The text up to and including {@code VALUES} of the last INSERT of literal rows read with
   * tokens, or null before the first.
   */
  private String rowsPrefix;

  /** That INSERT, as classified. */
  private SqlStatement rowsTemplate;

  /** The last shape made from {@link #rowsPrefix}, and its one row's size (-1: not one row). */
  private String lastShape;

  private int lastShapeValues = -1;

  /** Where tokenizing resumes. */
  private int pos;

  /** Whether the reader is exhausted. */
  private boolean eof;

  /** Statements returned so far (so the 1-based number of the last one). */
  private long count;

  /** How many of them {@link #scan} read (the rest were read with tokens). */
  private long scanned;

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
  public DumpStatement next() throws IOException {
    while (true) {
      Token t = Tokenizer.next(buf, pos, eof);
      if (t == null && !eof) {
        fill();
        continue;
      }
      if (t != null && tokens.isEmpty() && rowsPrefix != null) {
        int end = literalRows(t.start());
        if (end == LiteralRowsScan.NEED_MORE) {
          pos = t.start(); // only whitespace and comments before it
          fill();
          continue;
        }
        if (end >= 0) {
          count++;
          scanned++;
          return new DumpStatement(withText(rowsTemplate, buf.substring(t.start(), end)), shape());
        }
      }
      if (t == null || boundary.ends(buf, t)) {
        pos = t == null ? buf.length() : t.end();
        boundary.reset();
        DumpStatement s = take();
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

  /** How many of them were read without tokens ({@link LiteralRowsScan}). */
  long scanned() {
    return scanned;
  }

  /**
   * Reads the statement starting at {@code start} as {@link #rowsTemplate}'s text up to {@code
   * VALUES} and literal rows after it, if it is one, and moves past its {@code ;}. Returns where
   * its text ends, {@link LiteralRowsScan#NOT_PLAIN} when it is not such a statement (nothing
   * read), or {@link LiteralRowsScan#NEED_MORE} when the text so far ends too soon to tell.
   */
  private int literalRows(int start) throws TooLong {
    int rows = start + rowsPrefix.length();
    if (rows > buf.length()) {
      return eof ? LiteralRowsScan.NOT_PLAIN : LiteralRowsScan.NEED_MORE;
    }
    for (int i = 0; i < rowsPrefix.length(); i++) {
      if (buf.charAt(start + i) != rowsPrefix.charAt(i)) {
        return LiteralRowsScan.NOT_PLAIN;
      }
    }
    int after = scan.scan(buf, rows, eof);
    if (after < 0) {
      return after;
    }
    if (scan.textEnd() - start > maxChars) {
      throw new TooLong(count + 1, maxChars);
    }
    pos = after;
    return scan.textEnd();
  }

  /** The shape of the statement {@link #scan} just read: {@link #rowsPrefix} and its row sizes. */
  private String shape() {
    if (scan.rows() == 1 && scan.values(0) == lastShapeValues) {
      return lastShape;
    }
    StringBuilder b = new StringBuilder(rowsPrefix.length() + 8 * scan.rows()).append(rowsPrefix);
    for (int r = 0; r < scan.rows(); r++) {
      b.append(' ').append(scan.values(r));
    }
    lastShape = b.toString();
    lastShapeValues = scan.rows() == 1 ? scan.values(0) : -1;
    return lastShape;
  }

  /** {@code s} with another text (of the same statement but for its literals). */
  private static SqlStatement withText(SqlStatement s, String text) {
    return new SqlStatement(
        text,
        s.kind(),
        s.pragmaName(),
        s.pragmaAssigns(),
        s.targetTable(),
        s.namesReservedObject(),
        s.createsTemp(),
        s.pragmaSchema(),
        s.pragmaValue(),
        s.tableFunctions(),
        s.virtualTableModule());
  }

  /**
   * The statement of the tokens read, with its shape, or null when there are none; clears them. An
   * INSERT of literal rows becomes the template of the ones after it.
   */
  private DumpStatement take() throws TooLong {
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
    SqlStatement statement = StatementClassifier.classify(text, own);
    String shape = statement.kind() == StatementKind.WRITE ? LiteralRows.shape(text, own) : null;
    if (shape != null) {
      rowsPrefix = text.substring(0, LiteralRows.rowsStart(text, own));
      rowsTemplate = statement;
      lastShape = shape;
      lastShapeValues = -1;
    }
    return new DumpStatement(statement, shape);
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
