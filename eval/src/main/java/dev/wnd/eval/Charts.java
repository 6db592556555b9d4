package dev.wnd.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small Java2D charts for the report: line charts, grouped bar charts and a reliability diagram, drawn at twice
 * their nominal size so that they stay sharp on high-density screens. Pure drawing: data in, image out.
 */
final class Charts {

    /** Pixel density: an image of nominal width w is {@code SCALE * w} pixels wide. */
    static final int SCALE = 2;

    static final Color MODEL = new Color(0x2563EB);
    static final Color AD_CTR = new Color(0xD97706);
    static final Color RANDOM = new Color(0x9CA3AF);
    static final Color OPTIMUM = new Color(0x16A34A);
    static final Color TRAIN = new Color(0x9333EA);
    static final Color PEER = new Color(0xDB2777);

    private static final Color TEXT = new Color(0x111827);
    private static final Color MUTED = new Color(0x6B7280);
    private static final Color GRID = new Color(0xE5E7EB);
    private static final Color AXIS = new Color(0x9CA3AF);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font SMALL_BOLD = new Font(Font.SANS_SERIF, Font.BOLD, 11);

    private static final double LEFT = 78;
    private static final double RIGHT = 28;
    private static final double TOP = 88;
    private static final double BOTTOM = 58;

    private Charts() {
    }

    /** A line of (x, y) points; NaN in y breaks the line. */
    record Series(String name, Color color, double[] x, double[] y, boolean dashed) {
    }

    /** A labelled horizontal reference line. */
    record Reference(String name, double y, Color color) {
    }

    /** One series of a bar chart: a value per category. */
    record Bars(String name, Color color, double[] values) {
    }

    /** Writes {@code image} as a PNG. */
    static void writePng(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /**
     * A line chart.
     *
     * @param yRange {min, max} of the y axis before rounding to ticks, or null to fit the data and references
     * @param xFromZero start the x axis at 0 (e.g. stream time) rather than at the first point
     */
    static BufferedImage lines(int width, int height, String title, String subtitle, String xLabel, String yLabel,
            List<Series> series, List<Reference> references, double[] yRange, boolean xFromZero) {
        BufferedImage image = image(width, height);
        Graphics2D g = canvas(image);
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i]) && Double.isFinite(s.x()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        for (Reference r : references) {
            if (Double.isFinite(r.y())) {
                yMin = Math.min(yMin, r.y());
                yMax = Math.max(yMax, r.y());
            }
        }
        if (yRange != null) {
            yMin = yRange[0];
            yMax = yRange[1];
        }
        List<Legend> legend = new ArrayList<>();
        series.forEach(s -> legend.add(new Legend(s.name(), s.color(), s.dashed() ? Swatch.DASHED : Swatch.LINE)));
        references.forEach(r -> legend.add(new Legend(r.name(), r.color(), Swatch.DASHED)));
        header(g, width, title, subtitle, legend);
        if (xMin > xMax) {
            noData(g, width, height);
            g.dispose();
            return image;
        }
        if (xFromZero) {
            xMin = Math.min(0, xMin);
        }
        Frame f = new Frame(width, height, Scale.nice(xMin, xMax, 8), Scale.nice(yMin, yMax, 6));
        f.grid(g, xLabel, yLabel);
        g.setClip(f.plot);
        for (Reference r : references) {
            if (Double.isFinite(r.y())) {
                g.setColor(r.color());
                g.setStroke(dashed(1.6f));
                g.draw(new Line2D.Double(f.plot.getMinX(), f.py(r.y()), f.plot.getMaxX(), f.py(r.y())));
            }
        }
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed() ? dashed(2f) : new BasicStroke(2.4f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            Path2D path = new Path2D.Double();
            boolean open = false;
            int drawn = 0;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i]) || !Double.isFinite(s.x()[i])) {
                    open = false;
                    continue;
                }
                drawn++;
                if (open) {
                    path.lineTo(f.px(s.x()[i]), f.py(s.y()[i]));
                } else {
                    path.moveTo(f.px(s.x()[i]), f.py(s.y()[i]));
                    open = true;
                }
            }
            g.draw(path);
            if (drawn <= 40) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.y()[i]) && Double.isFinite(s.x()[i])) {
                        dot(g, f.px(s.x()[i]), f.py(s.y()[i]), 2.8, s.color());
                    }
                }
            }
        }
        g.setClip(null);
        for (Reference r : references) {
            if (Double.isFinite(r.y()) && r.y() >= f.ys.min() && r.y() <= f.ys.max()) {
                referenceLabel(g, f, r);
            }
        }
        f.frameLines(g);
        g.dispose();
        return image;
    }

    /**
     * A grouped bar chart: for each category, one bar per series, values printed above the bars.
     *
     * @param perCategoryColors with a single series, colour each category's bar with these instead
     */
    static BufferedImage bars(int width, int height, String title, String subtitle, String xLabel, String yLabel,
            List<String> categories, List<Bars> series, List<Reference> references, Color[] perCategoryColors) {
        BufferedImage image = image(width, height);
        Graphics2D g = canvas(image);
        double yMax = 0;
        for (Bars b : series) {
            for (double v : b.values()) {
                if (Double.isFinite(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        for (Reference r : references) {
            if (Double.isFinite(r.y())) {
                yMax = Math.max(yMax, r.y());
            }
        }
        List<Legend> legend = new ArrayList<>();
        if (perCategoryColors == null || series.size() > 1) {
            series.forEach(b -> legend.add(new Legend(b.name(), b.color(), Swatch.BOX)));
        }
        references.forEach(r -> legend.add(new Legend(r.name(), r.color(), Swatch.DASHED)));
        header(g, width, title, subtitle, legend);
        if (categories.isEmpty() || yMax <= 0) {
            noData(g, width, height);
            g.dispose();
            return image;
        }
        Frame f = new Frame(width, height, null, Scale.nice(0, yMax * 1.1, 6));
        f.grid(g, xLabel, yLabel);
        double slot = f.plot.getWidth() / categories.size();
        double group = slot * (series.size() == 1 ? 0.56 : 0.78);
        double bar = group / series.size();
        g.setFont(TICK);
        FontMetrics tickMetrics = g.getFontMetrics();
        int labelEvery = 1;
        double widest = categories.stream().mapToDouble(tickMetrics::stringWidth).max().orElse(0);
        while (widest + 8 > slot * labelEvery) {
            labelEvery++;
        }
        for (int c = 0; c < categories.size(); c++) {
            double x0 = f.plot.getMinX() + c * slot + (slot - group) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                Color color = perCategoryColors != null && series.size() == 1 ? perCategoryColors[c]
                        : series.get(s).color();
                double top = f.py(v);
                Rectangle2D r = new Rectangle2D.Double(x0 + s * bar + 1, top, Math.max(1, bar - 2),
                        f.plot.getMaxY() - top);
                g.setColor(color);
                g.fill(r);
                if (bar >= 34) {
                    String text = String.format(Locale.ROOT, bar >= 48 ? "%.4f" : "%.3f", v);
                    g.setFont(bar >= 60 ? LABEL : TICK);
                    FontMetrics fm = g.getFontMetrics();
                    g.setColor(TEXT);
                    g.drawString(text, (float) (r.getCenterX() - fm.stringWidth(text) / 2.0), (float) top - 5);
                }
            }
            if (c % labelEvery == 0) {
                g.setFont(categories.size() <= 4 ? LABEL : TICK);
                FontMetrics fm = g.getFontMetrics();
                String name = categories.get(c);
                g.setColor(TEXT);
                g.drawString(name, (float) (f.plot.getMinX() + c * slot + slot / 2 - fm.stringWidth(name) / 2.0),
                        (float) f.plot.getMaxY() + 18);
            }
        }
        for (Reference r : references) {
            if (Double.isFinite(r.y())) {
                g.setColor(r.color());
                g.setStroke(dashed(1.8f));
                g.draw(new Line2D.Double(f.plot.getMinX(), f.py(r.y()), f.plot.getMaxX(), f.py(r.y())));
                referenceLabel(g, f, r);
            }
        }
        f.frameLines(g);
        g.dispose();
        return image;
    }

    /**
     * A reliability diagram: observed CTR against mean predicted probability per bin, beside the diagonal of
     * perfect calibration; each point labelled with nothing, sized alike (the bins hold equal counts).
     */
    static BufferedImage reliability(int width, int height, String title, String subtitle, double[] predicted,
            double[] observed) {
        BufferedImage image = image(width, height);
        Graphics2D g = canvas(image);
        double max = 0;
        for (int i = 0; i < predicted.length; i++) {
            max = Math.max(max, Math.max(predicted[i], observed[i]));
        }
        header(g, width, title, subtitle, List.of(new Legend("model", MODEL, Swatch.LINE),
                new Legend("perfectly calibrated", RANDOM, Swatch.DASHED)));
        if (predicted.length == 0) {
            noData(g, width, height);
            g.dispose();
            return image;
        }
        Scale s = Scale.nice(0, Math.min(1, max * 1.08), 6);
        Frame f = new Frame(width, height, s, s);
        f.grid(g, "mean predicted probability", "observed click rate");
        g.setClip(f.plot);
        g.setColor(RANDOM);
        g.setStroke(dashed(1.6f));
        g.draw(new Line2D.Double(f.px(0), f.py(0), f.px(s.max()), f.py(s.max())));
        g.setColor(MODEL);
        g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D path = new Path2D.Double();
        for (int i = 0; i < predicted.length; i++) {
            if (i == 0) {
                path.moveTo(f.px(predicted[i]), f.py(observed[i]));
            } else {
                path.lineTo(f.px(predicted[i]), f.py(observed[i]));
            }
        }
        g.draw(path);
        for (int i = 0; i < predicted.length; i++) {
            dot(g, f.px(predicted[i]), f.py(observed[i]), 4.5, MODEL);
        }
        g.setClip(null);
        f.frameLines(g);
        g.dispose();
        return image;
    }

    // ---- drawing helpers ----

    private enum Swatch { LINE, DASHED, BOX }

    private record Legend(String name, Color color, Swatch swatch) {
    }

    private static BufferedImage image(int width, int height) {
        return new BufferedImage(width * SCALE, height * SCALE, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D canvas(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.scale(SCALE, SCALE);
        return g;
    }

    /** Title, subtitle and a legend row, left-aligned above the plot. */
    private static void header(Graphics2D g, int width, String title, String subtitle, List<Legend> legend) {
        g.setColor(TEXT);
        g.setFont(TITLE);
        g.drawString(title, (float) LEFT - 60, 28);
        if (subtitle != null && !subtitle.isEmpty()) {
            g.setColor(MUTED);
            g.setFont(SUBTITLE);
            g.drawString(ellipsize(g, subtitle, width - (LEFT - 60) - RIGHT), (float) LEFT - 60, 48);
        }
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        double x = LEFT - 60;
        double y = 72;
        for (Legend l : legend) {
            double w = 26 + fm.stringWidth(l.name()) + 22;
            if (x + w > width - RIGHT && x > LEFT - 60) {
                break; // no room: the rest is named in the HTML around the chart
            }
            g.setColor(l.color());
            switch (l.swatch()) {
                case LINE -> {
                    g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    g.draw(new Line2D.Double(x, y - 4.5, x + 18, y - 4.5));
                }
                case DASHED -> {
                    g.setStroke(dashed(2.2f));
                    g.draw(new Line2D.Double(x, y - 4.5, x + 18, y - 4.5));
                }
                case BOX -> g.fill(new Rectangle2D.Double(x + 3, y - 11, 12, 12));
                default -> throw new IllegalStateException();
            }
            g.setColor(TEXT);
            g.drawString(l.name(), (float) (x + 24), (float) y);
            x += w;
        }
    }

    private static void noData(Graphics2D g, int width, int height) {
        g.setColor(MUTED);
        g.setFont(LABEL);
        String text = "no data";
        g.drawString(text, (float) (width / 2.0 - g.getFontMetrics().stringWidth(text) / 2.0), height / 2f);
    }

    private static void dot(Graphics2D g, double x, double y, double r, Color color) {
        g.setColor(Color.WHITE);
        g.fill(new Ellipse2D.Double(x - r - 1.2, y - r - 1.2, 2 * r + 2.4, 2 * r + 2.4));
        g.setColor(color);
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    /** A reference line's name and value, right-aligned just above the line, on a halo for legibility. */
    private static void referenceLabel(Graphics2D g, Frame f, Reference r) {
        g.setFont(SMALL_BOLD);
        String text = r.name() + "  " + String.format(Locale.ROOT, "%.4f", r.y());
        FontMetrics fm = g.getFontMetrics();
        float tx = (float) (f.plot.getMaxX() - fm.stringWidth(text) - 6);
        float ty = (float) f.py(r.y()) - 5;
        halo(g, text, tx, ty);
        g.setColor(r.color().darker());
        g.drawString(text, tx, ty);
    }

    private static void halo(Graphics2D g, String text, float x, float y) {
        g.setColor(new Color(255, 255, 255, 210));
        FontMetrics fm = g.getFontMetrics();
        g.fill(new Rectangle2D.Double(x - 3, y - fm.getAscent(), fm.stringWidth(text) + 6, fm.getAscent() + 3));
    }

    private static Stroke dashed(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);
    }

    private static String ellipsize(Graphics2D g, String text, double width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    /** The plot area of a chart and its two scales (x null for a categorical axis). */
    private static final class Frame {
        final Rectangle2D plot;
        final Scale xs;
        final Scale ys;

        Frame(int width, int height, Scale xs, Scale ys) {
            this.plot = new Rectangle2D.Double(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM);
            this.xs = xs;
            this.ys = ys;
        }

        double px(double x) {
            return plot.getMinX() + (x - xs.min()) / (xs.max() - xs.min()) * plot.getWidth();
        }

        double py(double y) {
            return plot.getMaxY() - (y - ys.min()) / (ys.max() - ys.min()) * plot.getHeight();
        }

        /** Grid lines, tick labels and axis titles. */
        void grid(Graphics2D g, String xLabel, String yLabel) {
            g.setFont(TICK);
            FontMetrics fm = g.getFontMetrics();
            g.setStroke(new BasicStroke(1f));
            for (double t : ys.ticks()) {
                double y = py(t);
                g.setColor(GRID);
                g.draw(new Line2D.Double(plot.getMinX(), y, plot.getMaxX(), y));
                String text = ys.format(t);
                g.setColor(MUTED);
                g.drawString(text, (float) (plot.getMinX() - 8 - fm.stringWidth(text)), (float) (y + 4));
            }
            if (xs != null) {
                for (double t : xs.ticks()) {
                    double x = px(t);
                    g.setColor(GRID);
                    g.draw(new Line2D.Double(x, plot.getMinY(), x, plot.getMaxY()));
                    g.setColor(AXIS);
                    g.draw(new Line2D.Double(x, plot.getMaxY(), x, plot.getMaxY() + 4));
                    String text = xs.format(t);
                    g.setColor(MUTED);
                    g.drawString(text, (float) (x - fm.stringWidth(text) / 2.0), (float) plot.getMaxY() + 18);
                }
            }
            g.setFont(LABEL);
            FontMetrics lm = g.getFontMetrics();
            g.setColor(TEXT);
            if (xLabel != null) {
                g.drawString(xLabel, (float) (plot.getCenterX() - lm.stringWidth(xLabel) / 2.0),
                        (float) plot.getMaxY() + 42);
            }
            if (yLabel != null) {
                AffineTransform saved = g.getTransform();
                g.translate(18, plot.getCenterY() + lm.stringWidth(yLabel) / 2.0);
                g.rotate(-Math.PI / 2);
                g.drawString(yLabel, 0, 0);
                g.setTransform(saved);
            }
        }

        /** The left and bottom axis lines, drawn last so that nothing covers them. */
        void frameLines(Graphics2D g) {
            g.setColor(AXIS);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new Line2D.Double(plot.getMinX(), plot.getMaxY(), plot.getMaxX(), plot.getMaxY()));
            g.draw(new Line2D.Double(plot.getMinX(), plot.getMinY(), plot.getMinX(), plot.getMaxY()));
        }
    }

    /** An axis range with round tick steps (1, 2 or 5 times a power of ten). */
    record Scale(double min, double max, double step) {

        static Scale nice(double lo, double hi, int ticks) {
            if (!(hi > lo)) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = niceNumber((hi - lo) / Math.max(1, ticks - 1), true);
            double min = Math.floor(lo / step + 1e-9) * step;
            double max = Math.ceil(hi / step - 1e-9) * step;
            if (max <= min) {
                max = min + step;
            }
            return new Scale(min, max, step);
        }

        private static double niceNumber(double x, boolean round) {
            double exp = Math.floor(Math.log10(x));
            double f = x / Math.pow(10, exp);
            double nf;
            if (round) {
                nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
            } else {
                nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
            }
            return nf * Math.pow(10, exp);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long n = Math.round((max - min) / step);
            for (long i = 0; i <= n; i++) {
                ticks.add(min + i * step);
            }
            return ticks;
        }

        String format(double v) {
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
            if (Math.abs(v) < step * 1e-6) {
                v = 0;
            }
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
