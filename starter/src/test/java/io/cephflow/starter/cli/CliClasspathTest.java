package io.cephflow.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI runs from its own jar with picocli and Jackson only (bin/cephflow): its package names
 * nothing of Spring, Temporal or the rest of cephflow, which would fail there (and slow it).
 */
class CliClasspathTest {
  private static final Pattern FOREIGN =
      Pattern.compile(
          "org\\.springframework|io\\.temporal|io\\.swagger"
              + "|io\\.cephflow\\.(?!starter\\.cli\\b)");

  @Test
  void theCliPackageUsesOnlyTheJdkPicocliAndJackson() throws Exception {
    Path dir = Path.of("src/main/java/io/cephflow/starter/cli");
    List<Path> sources;
    try (Stream<Path> s = Files.list(dir)) {
      sources = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).hasSizeGreaterThan(10);
    for (Path p : sources) {
      assertThat(FOREIGN.matcher(Files.readString(p)).find()).as(p.toString()).isFalse();
    }
  }
}
