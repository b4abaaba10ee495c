package com.ctcfile.token.cli;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people read them in a terminal: {@code 2.4 s}, {@code 850 ms}, {@code 59m 58s},
 * {@code 2h 5m}. Stateless and thread-safe.
 */
public final class DurationText {

  private DurationText() {}

  /** Short, with up to one decimal below a minute; the sign is dropped (callers say "ago" or "in"). */
  public static String of(Duration duration) {
    Duration d = duration.abs();
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      double seconds = millis / 1000.0;
      return seconds == Math.rint(seconds)
          ? String.format(Locale.ROOT, "%d s", (long) seconds)
          : String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long totalSeconds = d.getSeconds();
    long hours = totalSeconds / 3600;
    long minutes = (totalSeconds % 3600) / 60;
    long seconds = totalSeconds % 60;
    if (hours > 0) {
      return minutes == 0 ? hours + "h" : hours + "h " + minutes + "m";
    }
    return seconds == 0 ? minutes + "m" : minutes + "m " + seconds + "s";
  }
}
