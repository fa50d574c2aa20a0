package io.cephflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository checks out on a case-insensitive file system (macOS, Windows). */
class SourceTreeTest {
  @Test
  void noTwoPathsDifferOnlyInCase() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Map<String, Path> seen = new HashMap<>();
    List<String> clashes = new java.util.ArrayList<>();
    for (String module : List.of("workflows", "activities", "worker", "starter", "docs", "dev", "helm", "bench")) {
      Path dir = root.resolve(module);
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(p -> !p.toString().contains("/target/")).forEach(p -> {
          String key = root.relativize(p).toString().toLowerCase(Locale.ROOT);
          Path before = seen.putIfAbsent(key, p);
          if (before != null && !before.equals(p)) clashes.add(before + " and " + p);
        });
      }
    }
    assertThat(seen).hasSizeGreaterThan(100);
    assertThat(clashes).isEmpty();
  }
}
