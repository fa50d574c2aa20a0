package io.cephflow.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The worker's production jar (the exec jar `mvn package` builds, the one the container image runs)
 * carries no test code: no Temporal test server, no fault injection, no test libraries. An IT
 * because it reads the packaged jar.
 */
class ProductionJarIT {
  @Test
  void theExecJarHasNoTestServerNoKillSwitchAndNoTestLibraries() throws Exception {
    Path jar;
    try (var files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
              .findFirst()
              .orElseThrow();
    }
    List<String> entries;
    try (JarFile j = new JarFile(jar.toFile())) {
      entries = j.stream().map(e -> e.getName()).toList();
    }
    assertThat(entries)
        .anyMatch(e -> e.startsWith("BOOT-INF/lib/temporal-sdk-")); // it is the right jar
    assertThat(entries)
        .noneMatch(
            e ->
                e.startsWith("BOOT-INF/lib/temporal-test-server")
                    || e.startsWith("BOOT-INF/lib/temporal-testing")
                    || e.startsWith("BOOT-INF/lib/junit")
                    || e.startsWith("BOOT-INF/lib/mockito")
                    || e.startsWith("BOOT-INF/lib/assertj")
                    || e.contains("/faults/")
                    || e.contains("KillSwitch"));
  }
}
