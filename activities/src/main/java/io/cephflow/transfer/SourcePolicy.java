package io.cephflow.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where sources may come from. By default: local files only under {@code localRoots}; http(s) to
 * public addresses only (never link-local or cloud metadata; private and loopback only when
 * allowed, as in the dev profile).
 */
public record SourcePolicy(
    List<Path> localRoots,
    Set<String> schemes,
    boolean allowPrivateNetworks,
    boolean allowLoopback,
    long maxBytes,
    Duration connectTimeout,
    Duration readTimeout,
    int maxRedirects) {
  public SourcePolicy {
    localRoots = List.copyOf(localRoots);
    schemes = Set.copyOf(schemes);
    if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be > 0");
  }

  public static SourcePolicy defaults(List<Path> localRoots) {
    return new SourcePolicy(
        localRoots,
        Set.of("http", "https"),
        false,
        false,
        1L << 40,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        5);
  }

  public SourcePolicy withLoopback(boolean allow) {
    return new SourcePolicy(
        localRoots,
        schemes,
        allowPrivateNetworks,
        allow,
        maxBytes,
        connectTimeout,
        readTimeout,
        maxRedirects);
  }

  public SourcePolicy withReadTimeout(Duration timeout) {
    return new SourcePolicy(
        localRoots,
        schemes,
        allowPrivateNetworks,
        allowLoopback,
        maxBytes,
        connectTimeout,
        timeout,
        maxRedirects);
  }

  public SourcePolicy withMaxBytes(long max) {
    return new SourcePolicy(
        localRoots,
        schemes,
        allowPrivateNetworks,
        allowLoopback,
        max,
        connectTimeout,
        readTimeout,
        maxRedirects);
  }
}
