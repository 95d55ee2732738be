import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws bench/results/latest.png: one horizontal bar per target, its length how far the measured
 * median is from the target's bound (1.0 = exactly met, right of the line = met), on a log scale
 * from 0.1 to 10. Run with the JDK's source launcher, headless: no install needed.
 * Usage: java Chart.java CHART_TSV OUT_PNG MODE
 */
public class Chart {
  public static void main(String[] args) throws IOException {
    List<String[]> rows =
        Files.readAllLines(Path.of(args[0])).stream()
            .filter(l -> !l.isBlank())
            .map(l -> l.split("\t"))
            .toList();
    int labelW = 420, plotW = 560, rowH = 34, top = 70, bottom = 50;
    int w = labelW + plotW + 40, h = top + rows.size() * rowH + bottom;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    String title = "opend1 benchmark: each target, measured / required (log scale; >= 1 is met)";
    g.drawString(title, 20, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    if (args.length > 2 && args[2].equals("quick")) {
      g.setColor(Color.RED);
      g.drawString("QUICK MODE run: short, few repetitions, small databases; not the official numbers", 20, 48);
    }
    double lo = Math.log10(0.1), hi = Math.log10(10);
    java.util.function.DoubleFunction<Integer> x =
        v -> labelW + (int) ((Math.log10(Math.max(0.1, Math.min(10, v))) - lo) / (hi - lo) * plotW);
    for (double tick : new double[] {0.1, 0.2, 0.5, 1, 2, 5, 10}) {
      int tx = x.apply(tick);
      g.setColor(tick == 1 ? Color.BLACK : new Color(220, 220, 220));
      g.setStroke(new BasicStroke(tick == 1 ? 2f : 1f));
      g.drawLine(tx, top - 6, tx, top + rows.size() * rowH);
      g.setColor(Color.DARK_GRAY);
      g.drawString((tick < 1 ? String.valueOf(tick) : String.valueOf((int) tick)) + "x", tx - 10, h - bottom + 20);
    }
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      double score = Double.parseDouble(r[1]);
      boolean met = Boolean.parseBoolean(r[2]);
      int y = top + i * rowH;
      g.setColor(Color.BLACK);
      g.drawString(r[0], 20, y + rowH / 2 + 4);
      int x0 = x.apply(0.1), x1 = x.apply(score);
      g.setColor(met ? new Color(60, 150, 80) : new Color(200, 60, 50));
      g.fillRect(x0, y + 6, Math.max(2, x1 - x0), rowH - 12);
      g.setColor(Color.BLACK);
      String label = r[3] + (met ? "" : "  (not met)");
      int lx = x1 + 6;
      if (lx + g.getFontMetrics().stringWidth(label) > w - 5) {
        lx = x1 - 6 - g.getFontMetrics().stringWidth(label);
        g.setColor(Color.WHITE);
      }
      g.drawString(label, lx, y + rowH / 2 + 4);
    }
    g.dispose();
    ImageIO.write(img, "png", new File(args[1]));
  }
}
