package dev.opend1.engine;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * How a statement reads, as far as {@code rows_read} needs it, from SQLite's program for it (its
 * {@code EXPLAIN} listing, read once with {@link ProgramReach}).
 *
 * <p>D1's {@code rows_read} is a counter its patched SQLite keeps per statement (workerd {@code
 * patches/sqlite/0001-row-counts-plain.patch}, {@code LIBSQL_STMTSTATUS_ROWS_READ}): one for each
 * step of any cursor onto a row ({@code Rewind}, {@code Last}, a successful {@code Next} or {@code
 * Prev}, sorters and temporary tables included), one per seek ({@code SeekGE} and kin, {@code
 * SeekRowid}, {@code NotExists}) and a b-tree's entries for each {@code count(*)} it answers from
 * the b-tree ({@code Count}). sqlite-jdbc exposes no statement counters, so opend1 estimates it
 * from the program and from what the statement returned and changed:
 *
 * <ul>
 *   <li>each b-tree of the main schema the program reads whole (a {@code Count}, or a loop SQLite
 *       marks as a full scan: {@code Next} or {@code Prev} with P5 {@code
 *       SQLITE_STMTSTATUS_FULLSCAN_STEP} or {@code SQLITE_STMTSTATUS_AUTOINDEX}) reads its rows,
 *       counted with {@code count(*)}, once per statement. A scan that a LIMIT stops early reads
 *       the rows it returned plus the OFFSET it skipped; it ran to its end when it returned fewer
 *       than the LIMIT;
 *   <li>a statement that sorts reads its rows again from the sorter: the rows it returned for an
 *       ORDER BY, the rows it scanned for a GROUP BY or an ORDER BY with LIMIT (which sorts every
 *       row to keep the first few);
 *   <li>a statement that looks rows up by key (a seek, a rowid lookup, the start of an index range,
 *       a virtual table's filter) reads the rows it returned or changed, whichever is more.
 * </ul>
 *
 * <p>So a full scan, {@code count(*)}, an aggregate over a scan and a point lookup read what D1
 * says; an index range reads one row fewer (D1 also counts the step past its end). Nested loops
 * read low: a scan inside another loop counts once, where D1 counts it each time it runs. So do the
 * temporary tables D1 also steps through (materialised subqueries and CTEs, IN lists) and a
 * filtered scan a LIMIT stopped early (the rows it passed over are not known).
 *
 * @param listed whether the statement was listed (PRAGMA and ANALYZE are not, and read 0 here)
 * @param countedRoots root pages of main-schema b-trees the program counts
 * @param scannedRoots root pages of main-schema b-trees the program reads from end to end, once per
 *     scan (a self-join scans one twice)
 * @param looksUp whether it seeks, looks up rowids, reads index ranges or virtual tables
 * @param sorts whether it sorts (an ORDER BY or GROUP BY no index serves)
 * @param sortsEveryRow whether its sort takes every row scanned: a GROUP BY, or an ORDER BY with
 *     LIMIT
 * @param limit the program's one LIMIT, or {@link Bound#NONE}
 * @param offset the OFFSET of that LIMIT, or {@link Bound#NONE}
 */
record ReadShape(
    boolean listed,
    Set<Long> countedRoots,
    List<Long> scannedRoots,
    boolean looksUp,
    boolean sorts,
    boolean sortsEveryRow,
    Bound limit,
    Bound offset) {

  /** A statement with no listing: PRAGMA, ANALYZE and transaction control. */
  static final ReadShape UNLISTED =
      new ReadShape(false, Set.of(), List.of(), false, false, false, Bound.NONE, Bound.NONE);

  /**
   * The statement's estimated {@code rows_read} (see the class comment).
   *
   * @param returned rows the statement returned
   * @param changes rows it changed ({@code sqlite3_changes} of an INSERT, UPDATE or DELETE)
   * @param params the statement's parameters, which a LIMIT or OFFSET may name
   * @param rowsOfTree the rows of the table a root page belongs to, as the statement found it
   */
  long rowsRead(long returned, long changes, List<Object> params, LongUnaryOperator rowsOfTree) {
    if (!listed) {
      return 0;
    }
    long counted = 0;
    for (long root : countedRoots) {
      counted += rowsOfTree.applyAsLong(root);
    }
    long scanned = 0;
    for (long root : scannedRoots) {
      scanned += rowsOfTree.applyAsLong(root);
    }
    if (!sorts && !limit.equals(Bound.NONE)) {
      long max = limit.value(params);
      long skipped = offset.equals(Bound.NONE) ? 0 : offset.value(params);
      // A scan the LIMIT stopped read what it returned and skipped; one that returned fewer rows
      // than the LIMIT ran to its end. An unknown LIMIT is taken as reached.
      if (skipped >= 0 && (max < 0 || returned >= max)) {
        scanned = Math.min(scanned, returned + skipped);
      }
    }
    long sorted = !sorts ? 0 : sortsEveryRow ? scanned : returned;
    long lookedUp = looksUp ? Math.max(returned, changes) : 0;
    return counted + scanned + sorted + lookedUp;
  }

  /** Whether the estimate needs table sizes, which cost a {@code count(*)} each. */
  boolean readsWholeTrees() {
    return !countedRoots.isEmpty() || !scannedRoots.isEmpty();
  }

  /**
   * Where a LIMIT or OFFSET comes from: a literal in the program, or a parameter.
   *
   * @param literal the value, when {@code parameter} is 0
   * @param parameter the 1-based parameter that holds it, or 0
   */
  record Bound(long literal, int parameter) {

    /** No LIMIT (or no OFFSET); also what {@code LIMIT -1} is. */
    static final Bound NONE = new Bound(-1, 0);

    /** A LIMIT or OFFSET whose value the program computes. */
    static final Bound UNKNOWN = new Bound(-2, 0);

    /** Its value for these parameters; negative when not known. */
    long value(List<Object> params) {
      if (parameter == 0) {
        return literal;
      }
      Object p = parameter <= params.size() ? params.get(parameter - 1) : null;
      return switch (p) {
        case Long l -> l;
        case Double d when d == Math.rint(d) -> d.longValue();
        case BigInteger b when b.bitLength() < 64 -> b.longValue();
        case String s when s.strip().matches("[+-]?\\d{1,18}") -> Long.parseLong(s.strip());
        case null, default -> -1;
      };
    }
  }

  /** Collects a shape from a listing's instructions, in order. */
  static final class Listing {

    /** SQLite's P5 on a loop's {@code Next} or {@code Prev}: a full scan, or one for an index. */
    private static final int FULLSCAN_STEP = 1;

    private static final int AUTOINDEX_STEP = 3;

    /**
     * Opcodes whose P2 is an address they may jump to (SQLite's opcodes marked "jump"; {@code Jump}
     * has two more, in P1 and P3). Only whether some jump reaches a loop's {@code Next} is asked of
     * them.
     */
    private static final Set<String> JUMPS =
        Set.of(
            """
            Goto Gosub InitCoroutine Yield If IfNot IsNull IsType NotNull IfNullRow Once
            Eq Ne Lt Le Gt Ge ElseEq Jump IfPos IfNotZero DecrJumpZero MustBeInt SeekLT
            SeekLE SeekGE SeekGT SeekScan IfNotOpen IfNoHope NoConflict NotFound Found
            SeekRowid NotExists Last IfSizeBetween SorterSort Sort Rewind IfEmpty Next
            Prev SorterNext IdxLE IdxGT IdxLT IdxGE RowSetRead RowSetTest Program FkIfZero
            VFilter VNext Filter Init
            """
                .strip()
                .split("\\s+"));

    /** One opening of a main-schema b-tree: a cursor number is reused by later openings. */
    private static final class Opened {
      final long root;
      boolean positioned;

      /** Addresses of its full-scan steps, and whether each sits right after a Goto past it. */
      final Map<Long, Boolean> steps = new HashMap<>();

      Opened(long root) {
        this.root = root;
      }
    }

    private final Map<Long, Opened> cursors = new HashMap<>();
    private final List<Opened> opened = new ArrayList<>();
    private final Set<Long> counted = new HashSet<>();
    private final Map<Long, Bound> registers = new HashMap<>();
    private final List<Long> limitRegisters = new ArrayList<>();
    private long offsetRegister = -1;
    private boolean looksUp;
    private boolean sorterSort;
    private boolean ephemeralSort;
    private boolean aggregates;
    private final Set<Long> jumpTargets = new HashSet<>();
    private String previousOp = "";
    private long previousP2;

    /**
     * Takes one instruction.
     *
     * @param addr its address
     * @param mainTree for an opening, whether it opens a b-tree of the main schema (not TEMP, not
     *     one the program created)
     */
    void add(long addr, String op, long p1, long p2, long p3, int p5, boolean mainTree) {
      if (JUMPS.contains(op)) {
        jumpTargets.add(p2);
        if (op.equals("Jump")) {
          jumpTargets.add(p1);
          jumpTargets.add(p3);
        }
      }
      instruction(addr, op, p1, p2, p3, p5, mainTree);
      previousOp = op;
      previousP2 = p2;
    }

    private void instruction(
        long addr, String op, long p1, long p2, long p3, int p5, boolean mainTree) {
      switch (op) {
        case "OpenRead", "OpenWrite", "ReopenIdx" -> {
          if (mainTree) {
            Opened o = new Opened(p2);
            opened.add(o);
            cursors.put(p1, o);
          } else {
            cursors.remove(p1);
          }
        }
        case "OpenEphemeral", "OpenAutoindex", "OpenDup", "OpenPseudo", "SorterOpen", "VOpen" ->
            cursors.remove(p1);
        case "Count" -> {
          Opened o = cursors.get(p1);
          // P3 set: an estimate SQLite takes without reading the b-tree
          if (o != null && p3 == 0) {
            counted.add(o.root);
          }
        }
        case "Rewind", "Last" -> {
          Opened o = cursors.get(p1);
          if (o != null) {
            o.positioned = true;
          }
        }
        case "Next", "Prev" -> {
          Opened o = cursors.get(p1);
          if (o != null && (p5 == FULLSCAN_STEP || p5 == AUTOINDEX_STEP)) {
            o.steps.put(addr, previousOp.equals("Goto") && previousP2 > addr);
          }
        }
        case "SeekGE", "SeekGT", "SeekLE", "SeekLT", "SeekRowid", "NotExists", "VFilter" ->
            looksUp = true;
        case "SorterSort" -> sorterSort = true;
        case "Sort" -> ephemeralSort = true;
        case "AggStep", "AggStep1", "AggFinal", "AggValue" -> aggregates = true;
        case "Integer" -> registers.put(p2, new Bound(p1, 0));
        case "Variable" -> registers.put(p2, new Bound(-1, (int) p1));
        case "DecrJumpZero" -> limitRegisters.add(p1);
        case "OffsetLimit" -> offsetRegister = p3;
        default -> {}
      }
    }

    /**
     * Whether a loop on {@code o} steps through its b-tree: a full-scan step that runs. The one
     * that never does is min() or max() read from an end of a b-tree: the loop leaves by a Goto
     * past its {@code Next} after the first row, and nothing jumps to the {@code Next}.
     */
    private boolean scans(Opened o) {
      for (Map.Entry<Long, Boolean> step : o.steps.entrySet()) {
        boolean skipped = step.getValue() && !jumpTargets.contains(step.getKey());
        if (!skipped) {
          return true;
        }
      }
      return false;
    }

    ReadShape shape() {
      List<Long> scanned = new ArrayList<>();
      for (Opened o : opened) {
        if (scans(o)) {
          scanned.add(o.root);
        } else if (o.positioned) {
          // A rewind without full-scan steps: a range from the first row, or min() and max()
          looksUp = true;
        }
      }
      // A LIMIT applies to the scan only when it is the program's one LIMIT (others belong to
      // subqueries, whose scans they may not stop).
      Bound limit = Bound.NONE;
      Bound offset = Bound.NONE;
      if (limitRegisters.size() == 1) {
        limit = registers.getOrDefault(limitRegisters.get(0), Bound.UNKNOWN);
        if (offsetRegister >= 0) {
          offset = registers.getOrDefault(offsetRegister, Bound.UNKNOWN);
        }
      }
      boolean sorts = sorterSort || ephemeralSort;
      return new ReadShape(
          true,
          Set.copyOf(counted),
          List.copyOf(scanned),
          looksUp,
          sorts,
          ephemeralSort || (sorterSort && (aggregates || !limitRegisters.isEmpty())),
          limit,
          offset);
    }
  }
}
