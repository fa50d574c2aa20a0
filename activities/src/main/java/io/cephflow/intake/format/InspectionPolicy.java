package io.cephflow.intake.format;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an operator allows through intake.
 *
 * @param allowedFormats formats accepted at all; QED is refused even if listed
 * @param maxVirtualSize largest guest-visible size accepted, in bytes
 */
public record InspectionPolicy(Set<DiskFormat> allowedFormats, long maxVirtualSize) {

  /** 1 TiB is far above any Glance image we expect and far below what exhausts a pool. */
  public static final long DEFAULT_MAX_VIRTUAL_SIZE = 1L << 40;

  public InspectionPolicy {
    allowedFormats = Set.copyOf(allowedFormats);
    if (maxVirtualSize <= 0) {
      throw new IllegalArgumentException("maxVirtualSize must be positive");
    }
  }

  /** LUKS stays off by default: intake has no key to check it with. */
  public static InspectionPolicy defaults() {
    return new InspectionPolicy(
        EnumSet.of(
            DiskFormat.RAW,
            DiskFormat.QCOW2,
            DiskFormat.VMDK,
            DiskFormat.VHD,
            DiskFormat.VHDX,
            DiskFormat.VDI,
            DiskFormat.ISO),
        DEFAULT_MAX_VIRTUAL_SIZE);
  }

  public InspectionPolicy withMaxVirtualSize(long max) {
    return new InspectionPolicy(allowedFormats, max);
  }

  public InspectionPolicy allowing(DiskFormat format) {
    EnumSet<DiskFormat> s =
        allowedFormats.isEmpty()
            ? EnumSet.noneOf(DiskFormat.class)
            : EnumSet.copyOf(allowedFormats);
    s.add(format);
    return new InspectionPolicy(s, maxVirtualSize);
  }

  public boolean allows(DiskFormat format) {
    return format != DiskFormat.QED && allowedFormats.contains(format);
  }
}
