package io.cephflow.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DisplayNamesTest {
  @Test
  void printableNamesInAnyScriptPass() {
    for (String ok :
        new String[] {
          "ubuntu 24.04", "Débian – stable", "日本語のイメージ", "a", "x".repeat(255), "😀 smile"
        }) {
      assertThat(DisplayNames.require("name", ok)).isEqualTo(ok);
    }
  }

  @Test
  void invisibleOrMisleadingCharactersAreRefusedWithTheirCodePoint() {
    assertThatThrownBy(() -> DisplayNames.require("name", "evil\u202Egpj.exe"))
        .hasMessageContaining("U+202E")
        .hasMessageContaining("position 5");
    assertThatThrownBy(() -> DisplayNames.require("name", "a\u0000b"))
        .hasMessageContaining("U+0000");
    assertThatThrownBy(() -> DisplayNames.require("name", "line\nbreak"))
        .hasMessageContaining("U+000A");
    assertThatThrownBy(() -> DisplayNames.require("name", "zero\u200Bwidth"))
        .hasMessageContaining("U+200B");
    assertThatThrownBy(() -> DisplayNames.require("name", "bell\u0007"))
        .hasMessageContaining("U+0007");
    assertThatThrownBy(() -> DisplayNames.require("name", "half \uD800 surrogate"))
        .hasMessageContaining("U+D800");
    assertThatThrownBy(() -> DisplayNames.require("name", "nb\u00A0space"))
        .hasMessageContaining("U+00A0");
  }

  @Test
  void emptyBlankPaddedAndLongNamesAreRefused() {
    assertThatThrownBy(() -> DisplayNames.require("name", null)).hasMessageContaining("required");
    assertThatThrownBy(() -> DisplayNames.require("name", "")).hasMessageContaining("required");
    assertThatThrownBy(() -> DisplayNames.require("name", "   ")).hasMessageContaining("blank");
    assertThatThrownBy(() -> DisplayNames.require("name", " x"))
        .hasMessageContaining("white space");
    assertThatThrownBy(() -> DisplayNames.require("name", "x".repeat(256)))
        .hasMessageContaining("256 characters");
    // 255 emoji are 510 UTF-16 units and still 255 characters
    assertThat(DisplayNames.require("name", "😀".repeat(255))).hasSize(510);
  }
}
