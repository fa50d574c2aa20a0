package io.cephflow.intake.format;

import java.util.Locale;

/**
 * Disk image formats cephflow can recognise, each with the qemu block driver that reads it. The
 * driver is always passed explicitly to qemu so qemu never guesses a format itself.
 */
public enum DiskFormat {
  RAW("raw"),
  QCOW2("qcow2"),
  QED("qed"),
  VMDK("vmdk"),
  VHD("vpc"),
  VHDX("vhdx"),
  VDI("vdi"),
  LUKS("luks"),
  /**
   * An ISO 9660 image is a raw byte stream; it keeps its own name so a declared "iso" can be
   * checked.
   */
  ISO("raw");

  private final String qemuDriver;

  DiskFormat(String qemuDriver) {
    this.qemuDriver = qemuDriver;
  }

  public String qemuDriver() {
    return qemuDriver;
  }

  /** Accepts the names Glance and qemu use ("vhd" and "vpc" are the same format). */
  public static DiskFormat fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("vpc")) {
      return VHD;
    }
    return valueOf(n.toUpperCase(Locale.ROOT));
  }
}
