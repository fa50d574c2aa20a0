package io.cephflow.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyringTest {
  /** As `ceph auth get client.x` prints it: two entities, caps, a comment. */
  private static final String TWO =
      """
      # exported keyring
      [client.admin]
      \tkey = AQAdminKeyAdminKeyAdminKeyAdminKeyAd==
      \tcaps mon = "allow *"
      [client.cephflow]
      \tkey = AQCephflowKeyCephflowKeyCephflowKey0==
      \tcaps osd = "profile rbd pool=images, profile rbd pool=vms"
      """;

  @Test
  void theClientsOwnSectionGivesTheKeyNotTheFirstKeyInTheFile() {
    Keyring k = Keyring.parse(TWO);
    assertThat(k.keyOf("cephflow")).isEqualTo("AQCephflowKeyCephflowKeyCephflowKey0==");
    assertThat(k.keyOf("client.cephflow")).isEqualTo("AQCephflowKeyCephflowKeyCephflowKey0==");
    assertThat(k.keyOf("admin")).startsWith("AQAdmin");
    assertThat(k.entities()).containsExactly("client.admin", "client.cephflow");
  }

  @Test
  void aMissingClientNamesWhatTheKeyringHasAndNeverAKey() {
    assertThatThrownBy(() -> Keyring.parse(TWO).keyOf("glance"))
        .hasMessageContaining("client.glance")
        .hasMessageContaining("[client.admin, client.cephflow]")
        .hasMessageNotContaining("AQ");
    assertThatThrownBy(() -> Keyring.parse("key = AQNoSection==\n").keyOf("cephflow"))
        .hasMessageContaining("client.cephflow");
  }

  @Test
  void spacingAndLineEndingsAsCephAuthtoolWritesThem() {
    assertThat(Keyring.parse("[client.x]\r\nkey=AQx==\r\n").keyOf("x")).isEqualTo("AQx==");
    assertThat(
            Keyring.parse("  [ client.x ]\n  key   =   AQy==  \n; old: key = AQold==\n").keyOf("x"))
        .isEqualTo("AQy==");
  }
}
