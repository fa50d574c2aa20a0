package io.cephflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository checks out on a case-insensitive file system (macOS, Windows). */
class SourceTreeTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void noTwoPathsDifferOnlyInCase() throws Exception {
    List<String> paths = trackedPaths();
    assertThat(paths).hasSizeGreaterThan(100).contains("pom.xml");
    assertThat(clashes(paths)).isEmpty();
  }

  @Test
  void aPairThatDiffersOnlyInCaseIsFound() {
    assertThat(
            clashes(
                List.of(
                    "a/librbd/Librbd.java",
                    "a/librbd/LibRbd.java",
                    "Docs/x.md",
                    "docs/y.md",
                    "a/other.java")))
        .containsExactlyInAnyOrder(
            "a/librbd/Librbd.java and a/librbd/LibRbd.java", "Docs and docs");
  }

  /** Every path and every directory above it, compared case-insensitively. */
  static List<String> clashes(List<String> files) {
    Map<String, String> seen = new HashMap<>();
    Set<String> clashes = new LinkedHashSet<>();
    for (String file : files) {
      for (int i = file.indexOf('/'); ; i = file.indexOf('/', i + 1)) {
        String path = i < 0 ? file : file.substring(0, i);
        String before = seen.putIfAbsent(path.toLowerCase(Locale.ROOT), path);
        if (before != null && !before.equals(path)) {
          clashes.add(before + " and " + path);
        }
        if (i < 0) break;
      }
    }
    return List.copyOf(clashes);
  }

  /** git's tracked files; without git (a source tarball), every file outside build output. */
  private static List<String> trackedPaths() throws IOException, InterruptedException {
    if (Files.isDirectory(ROOT.resolve(".git")) || Files.isRegularFile(ROOT.resolve(".git"))) {
      Process git =
          new ProcessBuilder("git", "-C", ROOT.toString(), "ls-files", "-z")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = git.getInputStream().readAllBytes();
      if (git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0) {
        List<String> paths = new ArrayList<>();
        for (String p : new String(out, StandardCharsets.UTF_8).split("\0")) {
          if (!p.isEmpty()) paths.add(p);
        }
        return paths;
      }
    }
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> ROOT.relativize(p).toString())
          .filter(p -> !p.startsWith(".git/") && !p.startsWith(".state/") && !p.contains("target/"))
          .toList();
    }
  }
}
