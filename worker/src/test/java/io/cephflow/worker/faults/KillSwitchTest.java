package io.cephflow.worker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KillSwitchTest {
  @Test
  void parsesRulesAndMatchesOnlyTheirPointAndType() {
    KillSwitch k = KillSwitch.parse(List.of("after:CreateImage", " heartbeat:FlattenImage ", ""));
    assertThat(k.armed()).isTrue();
    assertThat(k.matches(KillSwitch.When.AFTER, "CreateImage")).isTrue();
    assertThat(k.matches(KillSwitch.When.BEFORE, "CreateImage")).isFalse();
    assertThat(k.matches(KillSwitch.When.HEARTBEAT, "FlattenImage")).isTrue();
    assertThat(k.matches(KillSwitch.When.AFTER, "RemoveImage")).isFalse();
  }

  @Test
  void isDisarmedByDefaultAndRefusesMalformedRules() {
    assertThat(KillSwitch.parse(null).armed()).isFalse();
    assertThat(KillSwitch.parse(List.of()).armed()).isFalse();
    assertThatThrownBy(() -> KillSwitch.parse(List.of("CreateImage")))
        .hasMessageContaining("before|after|heartbeat");
    assertThatThrownBy(() -> KillSwitch.parse(List.of("during:CreateImage")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
