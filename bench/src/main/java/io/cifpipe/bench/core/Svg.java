package io.cifpipe.bench.core;

import java.util.List;
import java.util.Locale;

/**
 * A minimal inline-SVG percentile plot (HdrHistogram style). Hand-written because it is ~80 lines and a
 * charting library would be a large dependency for one static chart per scenario.
 */
final class Svg {
    private static final int W = 760;
    private static final int H = 320;
    private static final int L = 60;
    private static final int R = 190;
    private static final int T = 30;
    private static final int B = 40;
    private static final double MAX_NINES = 5; // x axis up to 99.999 %

    private Svg() {}

    /** x = -log10(1 - p/100), so 90 % → 1, 99 % → 2, 99.9 % → 3. */
    private static double x(double percentile) {
        double nines = -Math.log10(Math.max(1e-9, 1 - percentile / 100.0));
        return L + Math.min(nines, MAX_NINES) / MAX_NINES * (W - L - R);
    }

    static String percentilePlot(String title, List<ScenarioResult.Series> series, String[] colors) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (ScenarioResult.Series s : series) {
            for (double[] pt : Report.percentilePoints(s.histogram())) {
                min = Math.min(min, Math.max(pt[1], 0.001));
                max = Math.max(max, pt[1]);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\"><rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>",
                W,
                H));
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                L,
                Report.esc(title)));
        if (max <= 0) {
            sb.append("<text x=\"80\" y=\"80\">no samples</text></svg>");
            return sb.toString();
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max * 1.01));
        if (hi <= lo) {
            hi = lo + 1;
        }
        final double fLo = lo;
        final double fHi = hi;
        java.util.function.DoubleUnaryOperator y =
                v -> T + (H - T - B) * (1 - (Math.log10(Math.max(v, Math.pow(10, fLo))) - fLo) / (fHi - fLo));
        // axes and grid
        for (double d = lo; d <= hi; d++) {
            double yy = y.applyAsDouble(Math.pow(10, d));
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>",
                    L,
                    yy,
                    W - R,
                    yy,
                    L - 4,
                    yy + 4,
                    Report.fmt(Math.pow(10, d))));
        }
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= MAX_NINES; i++) {
            double xx = L + i / MAX_NINES * (W - L - R);
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    xx,
                    T,
                    xx,
                    H - B,
                    xx,
                    H - B + 14,
                    labels[i]));
        }
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>",
                (L + W - R) / 2,
                H - 8));
        int i = 0;
        for (ScenarioResult.Series s : series) {
            String color = colors[i % colors.length];
            StringBuilder pts = new StringBuilder();
            for (double[] pt : Report.percentilePoints(s.histogram())) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(pt[0]), y.applyAsDouble(pt[1])));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
                    .append(color)
                    .append("\" points=\"")
                    .append(pts.toString().trim())
                    .append("\"/>");
            int ly = T + 14 + 16 * i;
            sb.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>",
                    W - R + 10,
                    ly - 4,
                    color,
                    W - R + 26,
                    ly,
                    Report.esc(s.label().length() > 28 ? s.label().substring(0, 28) : s.label())));
            i++;
        }
        sb.append("</svg>");
        return sb.toString();
    }
}
