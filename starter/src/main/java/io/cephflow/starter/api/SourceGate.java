package io.cephflow.starter.api;

import io.cephflow.transfer.SourceException;
import io.cephflow.transfer.SourcePolicy;
import io.cephflow.transfer.Sources;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

/**
 * The source policy checked at the door, before any flow starts (the worker checks again when it
 * opens the source: DNS can change). URLs are vetted in full (scheme, credentials, every address
 * the host resolves to). A path must lie under an allowed directory; when this host sees that
 * directory (the dev stack, a shared mount) the file itself is checked too (symlinks resolved, a
 * regular file, not empty), otherwise that is left to the worker.
 */
public final class SourceGate {
  /**
   * The same {@code cephflow.sources} settings the worker has, as far as the door needs them.
   *
   * @param localRoots the only directories local sources may be read from
   * @param allowLoopback HTTP sources on 127.0.0.0/8 and ::1 (the dev stack allows them)
   * @param allowPrivateNetworks HTTP sources on RFC 1918 and ULA addresses
   * @param maxSize the largest source
   */
  @ConfigurationProperties("cephflow.sources")
  public record Settings(
      @DefaultValue("/var/lib/cephflow/incoming") List<Path> localRoots,
      @DefaultValue("false") boolean allowLoopback,
      @DefaultValue("false") boolean allowPrivateNetworks,
      @DefaultValue("1TB") DataSize maxSize) {}

  private final Sources sources;
  private final List<Path> roots;

  public SourceGate(Settings s) {
    this.roots = s.localRoots().stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.sources =
        new Sources(
            new SourcePolicy(
                roots,
                Set.of("http", "https"),
                s.allowPrivateNetworks(),
                s.allowLoopback(),
                s.maxSize().toBytes(),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                5));
  }

  /**
   * Throws {@link RequestRefusedException} (400, the source's failure type) when the policy refuses
   * it.
   */
  public void check(String source) {
    try {
      if (isUrl(source)) {
        sources.vet(source);
        return;
      }
      Path path = lexical(source);
      Path root =
          roots.stream()
              .filter(path::startsWith)
              .findFirst()
              .orElseThrow(
                  () ->
                      new SourceException(
                          io.cephflow.workflows.common.Failures.SOURCE_FORBIDDEN,
                          "source " + path + " is outside the allowed " + "directories " + roots));
      if (Files.isDirectory(root)) sources.vet(source);
    } catch (SourceException e) {
      throw new RequestRefusedException(HttpStatus.BAD_REQUEST, e.type(), "source", e.getMessage());
    }
  }

  private static boolean isUrl(String source) {
    String lower = source.toLowerCase(Locale.ROOT);
    return lower.matches("^[a-z][a-z0-9+.-]*:.*") && !lower.startsWith("file:");
  }

  private static Path lexical(String source) {
    String p =
        source.regionMatches(true, 0, "file:", 0, 5)
            ? source.substring(5).replaceFirst("^//+", "/")
            : source;
    try {
      Path path = Path.of(p);
      if (!path.isAbsolute())
        throw new SourceException(
            io.cephflow.workflows.common.Failures.INVALID_REQUEST,
            "source must be an absolute path, a file: URL or an http(s) URL");
      return path.normalize();
    } catch (InvalidPathException e) {
      throw new SourceException(
          io.cephflow.workflows.common.Failures.INVALID_REQUEST, "source is not a valid path");
    }
  }
}
