package io.cephflow.intake.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiskFormatTest {

  @Test
  void glanceAndQemuNamesMapToOneFormat() {
    assertThat(DiskFormat.fromName("vhd")).isEqualTo(DiskFormat.VHD);
    assertThat(DiskFormat.fromName("vpc")).isEqualTo(DiskFormat.VHD);
    assertThat(DiskFormat.fromName(" QCOW2 ")).isEqualTo(DiskFormat.QCOW2);
    assertThat(DiskFormat.VHD.qemuDriver()).isEqualTo("vpc");
    assertThat(DiskFormat.ISO.qemuDriver()).isEqualTo("raw");
  }

  @Test
  void qedIsNeverAllowed() {
    assertThat(InspectionPolicy.defaults().allowing(DiskFormat.QED).allows(DiskFormat.QED))
        .isFalse();
    assertThat(InspectionPolicy.defaults().allows(DiskFormat.LUKS)).isFalse();
    assertThat(InspectionPolicy.defaults().allows(DiskFormat.VHDX)).isTrue();
  }
}
