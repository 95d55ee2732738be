package dev.opend1.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link FfmVsJdbc}'s {@code cpu-per-op} lines (in JMH's output, the file named by the first
 * argument) into bench/results/ffm.txt's table: for each pair, the median over the measurement
 * iterations of the benchmark thread's CPU time and wall time per operation through sqlite-jdbc and
 * through the prototype, and their difference.
 */
public final class FfmReport {

  private FfmReport() {}

  /** Each row: what it measures, the sqlite-jdbc benchmark, the prototype's. */
  private static final String[][] PAIRS = {
    {"(a) point read", "pointJdbc", "pointFfm"},
    {"(a) point read, schema check by counter", "pointJdbc", "pointFfmReprepareCounter"},
    {"(b) 10 MB result (10,000 rows)", "result10mbJdbc", "result10mbFfm"},
    {"(c) batch of 1,000 INSERTs", "batch1000Jdbc", "batch1000Ffm"},
    {"(d) import run of 256 INSERTs", "import256Jdbc", "import256Ffm"},
    {"binding only: one row's 4 columns", "rowReadJdbc", "rowReadFfm"},
    {"binding only: changes, total, rowid", "statementEndJdbc", "statementEndFfm"},
    {"library only: walk of big in SQL", "scanJdbc", "scanFfm"},
    {"(d) import run, same library: string/bytes", "import256FfmString", "import256Ffm"},
    {"sqlite-jdbc's encoding of the run", "import256EncodeOnly", null},
  };

  public static void main(String[] args) throws IOException {
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      int at = line.indexOf("cpu-per-op ");
      if (at < 0) {
        continue;
      }
      String[] f = line.substring(at).trim().split("\\s+");
      runs.computeIfAbsent(f[1], k -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
    }
    System.out.printf(
        "%-42s %14s %14s %14s %8s %14s %14s%n",
        "µs per operation (median)",
        "jdbc CPU",
        "prototype CPU",
        "difference",
        "ratio",
        "jdbc wall",
        "prototype wall");
    for (String[] pair : PAIRS) {
      double[] jdbc = median(runs.get(pair[1]));
      double[] ffm = pair[2] == null ? null : median(runs.get(pair[2]));
      if (jdbc == null || (pair[2] != null && ffm == null)) {
        System.out.printf("%-42s (no result)%n", pair[0]);
        continue;
      }
      if (ffm == null) {
        System.out.printf(
            "%-42s %14.3f %14s %14s %8s %14.3f%n", pair[0], jdbc[0], "", "", "", jdbc[1]);
        continue;
      }
      System.out.printf(
          "%-42s %14.3f %14.3f %14.3f %8.2f %14.3f %14.3f%n",
          pair[0], jdbc[0], ffm[0], jdbc[0] - ffm[0], ffm[0] / jdbc[0], jdbc[1], ffm[1]);
    }
  }

  /** Median CPU and wall time of a benchmark's iterations, or null when it has none. */
  private static double[] median(List<double[]> iterations) {
    if (iterations == null || iterations.isEmpty()) {
      return null;
    }
    double[] cpu = iterations.stream().mapToDouble(r -> r[0]).sorted().toArray();
    double[] wall = iterations.stream().mapToDouble(r -> r[1]).sorted().toArray();
    return new double[] {middle(cpu), middle(wall)};
  }

  private static double middle(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
