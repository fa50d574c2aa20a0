package io.cephflow.starter.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Near misses for an unknown option: the command's option names within a small edit distance
 * ({@code --wiat} is {@code --wait}, {@code --size-gib} is {@code --size-gb}). picocli's own
 * suggestions match a prefix only, which misses most typos.
 */
final class Suggestions {
  private Suggestions() {}

  static List<String> forOptions(CommandSpec spec, List<String> unmatched) {
    List<String> out = new ArrayList<>();
    for (String arg : unmatched) {
      if (!arg.startsWith("-")) continue;
      String typed = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      int best = Integer.MAX_VALUE;
      List<String> names = new ArrayList<>();
      for (OptionSpec o : spec.options()) {
        if (o.hidden()) continue;
        for (String name : o.names()) {
          int d = distance(typed, name);
          if (d > Math.max(2, name.length() / 4)) continue;
          if (d < best) {
            best = d;
            names.clear();
          }
          if (d == best && !names.contains(name)) names.add(name);
        }
      }
      for (String n : names) if (!out.contains(n)) out.add(n);
    }
    return out;
  }

  /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
