package io.cephflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.flatten.DepthLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlattenConfigTest {
  @Test
  void poolsGetTheirOwnLimitsAndTheOthersCephCsisDefaults() {
    var s =
        FlattenConfig.settings(
            new FlattenProperties(5, Map.of("vms", new FlattenProperties.Depth(2, 3))));
    assertThat(s.maxConcurrent()).isEqualTo(5);
    assertThat(s.limitsFor("vms")).isEqualTo(new DepthLimits(2, 3));
    assertThat(s.limitsFor("volumes")).isEqualTo(DepthLimits.DEFAULTS);
  }

  @Test
  void anUnknownPoolOrLimitsThatCannotHoldAreRefusedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                FlattenConfig.settings(
                    new FlattenProperties(3, Map.of("rbd", new FlattenProperties.Depth(4, 8)))))
        .hasMessageContaining("cephflow.flatten.clone-depth.rbd")
        .hasMessageContaining("no such pool");
    assertThatThrownBy(
            () ->
                FlattenConfig.settings(
                    new FlattenProperties(3, Map.of("images", new FlattenProperties.Depth(8, 4)))))
        .hasMessageContaining("cephflow.flatten.clone-depth.images")
        .hasMessageContaining("soft <= hard");
  }
}
