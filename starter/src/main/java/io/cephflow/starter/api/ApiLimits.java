package io.cephflow.starter.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one request may ask for ({@code cephflow.api.limits}); a request over a limit is a 400
 * naming the field and the limit, before any flow starts.
 *
 * @param maxBodySize the largest request body read
 * @param maxVolumeSize the largest volume or root disk
 * @param maxMemoryMib the most memory one server may have
 * @param maxVcpus the most vCPUs one server may have
 */
@ConfigurationProperties("cephflow.api.limits")
public record ApiLimits(
    @DefaultValue("64KB") DataSize maxBodySize,
    @DefaultValue("16TB") DataSize maxVolumeSize,
    @DefaultValue("262144") int maxMemoryMib,
    @DefaultValue("64") int maxVcpus) {
  static final long GiB = 1L << 30;

  /** A size in bytes, or 0 (keep the source's); {@code field} names it in the refusal. */
  long size(String field, Long bytes) {
    if (bytes == null) return 0;
    if (bytes <= 0) throw RequestRefusedException.invalid(field, field + " must be > 0");
    if (bytes > maxVolumeSize.toBytes()) {
      throw RequestRefusedException.invalid(
          field,
          field
              + " is over the limit of "
              + maxVolumeSize.toBytes()
              + " bytes ("
              + maxVolumeSize.toGigabytes()
              + " GiB, cephflow.api.limits.max-volume-size)");
    }
    return bytes;
  }

  long sizeGb(String field, Long gb) {
    if (gb == null) return 0;
    if (gb <= 0) throw RequestRefusedException.invalid(field, field + " must be > 0");
    if (gb > maxVolumeSize.toBytes() / GiB) {
      throw RequestRefusedException.invalid(
          field,
          field
              + " is over the limit of "
              + maxVolumeSize.toBytes() / GiB
              + " GiB (cephflow.api.limits.max-volume-size)");
    }
    return gb * GiB;
  }

  int memoryMib(Integer mib) {
    if (mib == null) return 0;
    if (mib < 16 || mib > maxMemoryMib) {
      throw RequestRefusedException.invalid(
          "memoryMiB",
          "memoryMiB must be 16.."
              + maxMemoryMib
              + " (cephflow.api.limits.max-memory-mib; leave it out for the default)");
    }
    return mib;
  }

  int vcpus(Integer n) {
    if (n == null) return 0;
    if (n < 1 || n > maxVcpus) {
      throw RequestRefusedException.invalid(
          "vcpus",
          "vcpus must be 1.."
              + maxVcpus
              + " (cephflow.api.limits.max-vcpus; leave it out for the default)");
    }
    return n;
  }
}
