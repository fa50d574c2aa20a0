package io.cephflow.intake.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The temporary files of the qemu runners ({@code cephflow-map-<pid>-*} extent maps, {@code
 * cephflow-nbd-<pid>-*} socket directories) carry the pid of the JVM that made them. A JVM removes
 * its own on every path it survives; what a killed one left is removed here, once its pid no longer
 * runs.
 */
public final class QemuTempFiles {
  private static final Pattern OURS = Pattern.compile("cephflow-(?:map|nbd)-(\\d+)-.*");

  private QemuTempFiles() {}

  /** Removes, in {@code tmpDir}, the map files and socket directories of JVMs that are gone. */
  public static List<String> removeOrphans(Path tmpDir) throws IOException {
    List<String> removed = new ArrayList<>();
    try (Stream<Path> entries = Files.list(tmpDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = OURS.matcher(p.getFileName().toString());
        if (!m.matches() || alive(m.group(1)) || Files.isSymbolicLink(p)) {
          continue;
        }
        try {
          deleteTree(p);
          removed.add(p.getFileName().toString());
        } catch (IOException e) {
          // someone else's, or gone meanwhile
        }
      }
    }
    return removed;
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true; // not a pid we wrote: leave it
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }
}
