package io.cephflow.intake.qemu;

import java.time.Duration;

/**
 * Resource ceilings for one qemu process run on an untrusted image (CVE-2015-5162: a crafted image
 * can make qemu-img info allocate gigabytes or spin for minutes).
 *
 * @param addressSpaceBytes RLIMIT_AS, enforced by prlimit
 * @param cpuSeconds RLIMIT_CPU, enforced by prlimit (the kernel sends SIGXCPU)
 * @param wallTimeout killed after this long even when idle
 */
public record QemuLimits(long addressSpaceBytes, long cpuSeconds, Duration wallTimeout) {

  public QemuLimits {
    if (addressSpaceBytes <= 0
        || cpuSeconds <= 0
        || wallTimeout.isNegative()
        || wallTimeout.isZero()) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The values OpenStack uses for qemu-img info (1 GiB, 30 s). */
  public static QemuLimits forInfo() {
    return new QemuLimits(1L << 30, 30, Duration.ofSeconds(60));
  }

  /** Decoding a large image is legitimately slow; memory stays bounded. */
  public static QemuLimits forConvert() {
    return new QemuLimits(2L << 30, 3600, Duration.ofHours(2));
  }

  public QemuLimits withWallTimeout(Duration timeout) {
    return new QemuLimits(addressSpaceBytes, cpuSeconds, timeout);
  }

  public QemuLimits withCpuSeconds(long seconds) {
    return new QemuLimits(addressSpaceBytes, seconds, wallTimeout);
  }
}
