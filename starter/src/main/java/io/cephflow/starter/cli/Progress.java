package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * An operation's progress as a person reads it: the step, bytes done of total, the rate over the
 * last seconds and the time left. A total the API does not know ({@code -1}, or {@code 0} for a
 * step that moves no counted bytes) is "unknown", never a 0 % or a 100 %.
 */
final class Progress {
  private static final long WINDOW_NANOS = 10_000_000_000L;
  private static final int BAR = 24;

  private final Deque<long[]> samples = new ArrayDeque<>(); // {nanos, bytesDone}
  private String step;
  private long done;
  private long total = -1;
  private long stepStarted;
  private int tick;
  private boolean counted; // the operation reports bytes for this step (a progress object)

  /** Takes one reading of GET /api/v1/operations/{id}. */
  void update(JsonNode operation, long nanos) {
    String s = operation.path("step").asText("");
    JsonNode p = operation.path("progress");
    long d = p.path("bytesDone").asLong(0);
    long t = p.has("bytesTotal") ? p.path("bytesTotal").asLong(-1) : -1;
    if (!s.equals(step) || d < done) { // a new step (or a retried one) starts its own count
      samples.clear();
      stepStarted = nanos;
    }
    counted = p.isObject();
    step = s;
    done = d;
    total = t;
    samples.addLast(new long[] {nanos, d});
    while (samples.size() > 2 && nanos - samples.peekFirst()[0] > WINDOW_NANOS)
      samples.removeFirst();
    tick++;
  }

  String step() {
    return step == null || step.isEmpty() ? "starting" : step;
  }

  boolean totalKnown() {
    return total > 0;
  }

  /** Bytes per second over the window, or -1 before two readings a moment apart. */
  double rate() {
    if (samples.size() < 2) return -1;
    long[] first = samples.peekFirst();
    long[] last = samples.peekLast();
    double seconds = (last[0] - first[0]) / 1e9;
    return seconds < 0.5 ? -1 : (last[1] - first[1]) / seconds;
  }

  /** Seconds left at the current rate, or -1 when that cannot be known. */
  long etaSeconds() {
    double r = rate();
    if (!totalKnown() || r <= 0) return -1;
    return (long) Math.ceil(Math.max(0, total - done) / r);
  }

  /** One line for a log: {@code step=write 348.0 MiB / 1.0 GiB (34%) 12.3 MiB/s ETA 0:53}. */
  String line() {
    if (!counted) return "step=" + step();
    StringBuilder b = new StringBuilder("step=").append(step()).append(' ').append(bytes());
    if (totalKnown()) b.append(" (").append(percent()).append("%)");
    b.append(' ').append(rateText()).append(" ETA ").append(eta());
    return b.toString();
  }

  /**
   * The live bar: {@code write [#########...........] 34% 348.0 MiB / 1.0 GiB 12.3 MiB/s ETA 0:53}.
   */
  String bar(long nanos, int columns) {
    StringBuilder b = new StringBuilder(step()).append(" [");
    if (!counted) { // a step that moves no counted bytes: it says so, and how long it has run
      String s =
          b.append(" ".repeat(BAR))
              .append("]  (no byte count)  ")
              .append(clock((nanos - stepStarted) / 1_000_000_000L))
              .toString();
      return s.length() >= columns ? s.substring(0, Math.max(0, columns - 1)) : s;
    }
    if (totalKnown()) {
      int fill = (int) Math.min(BAR, BAR * done / total);
      b.append("#".repeat(fill))
          .append(".".repeat(BAR - fill))
          .append("] ")
          .append(String.format(Locale.ROOT, "%3d%%", percent()));
    } else { // no total: a marker that moves, so the bar is seen to be alive, and no percentage
      int at = tick % (2 * (BAR - 3));
      at = at < BAR - 3 ? at : 2 * (BAR - 3) - at;
      b.append(" ".repeat(at)).append("<=>").append(" ".repeat(BAR - 3 - at)).append(']');
    }
    b.append("  ")
        .append(bytes())
        .append("  ")
        .append(rateText())
        .append("  ETA ")
        .append(eta())
        .append("  ")
        .append(clock((nanos - stepStarted) / 1_000_000_000L));
    String s = b.toString();
    return s.length() >= columns ? s.substring(0, Math.max(0, columns - 1)) : s;
  }

  private int percent() {
    return (int) Math.min(100, 100 * done / total);
  }

  private String bytes() {
    return size(done) + " / " + (totalKnown() ? size(total) : "unknown");
  }

  private String rateText() {
    double r = rate();
    return r < 0 ? "-- B/s" : size((long) r) + "/s";
  }

  private String eta() {
    long s = etaSeconds();
    return s < 0 ? "unknown" : clock(s);
  }

  static String clock(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }

  static String size(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A progress object ({@code bytesDone}, {@code bytesTotal}) in a table cell. */
  static String describe(JsonNode p) {
    long d = p.path("bytesDone").asLong(0);
    long t = p.path("bytesTotal").asLong(-1);
    if (t > 0) return size(d) + " / " + size(t) + " (" + Math.min(100, 100 * d / t) + "%)";
    return size(d) + " / unknown";
  }
}
