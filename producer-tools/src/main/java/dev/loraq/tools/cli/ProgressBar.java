package dev.loraq.tools.cli;

import java.io.PrintWriter;

/**
 * A one-line text progress bar redrawn in place with '\r', e.g.
 * {@code sending   [##########----------]  50%  5000/10000}. Redraws at most every 100 ms.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private long lastDrawNanos;
    private boolean drawn;

    ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    /** Draws unless the last draw was under 100 ms ago (the final state is always drawn by {@link #finish}). */
    void update(long done, long total, String suffix) {
        long now = System.nanoTime();
        if (drawn && now - lastDrawNanos < 100_000_000L && done < total) {
            return;
        }
        lastDrawNanos = now;
        drawn = true;
        out.print('\r' + render(label, done, total, suffix));
        out.flush();
    }

    void finish(long done, long total, String suffix) {
        out.print('\r' + render(label, done, total, suffix) + System.lineSeparator());
        out.flush();
    }

    static String render(String label, long done, long total, String suffix) {
        double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format("%-10s [%s%s] %3d%%  %d/%s%s", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                Math.round(fraction * 100), done, total < 0 ? "?" : Long.toString(total), suffix == null || suffix.isEmpty() ? "" : "  " + suffix);
    }
}
