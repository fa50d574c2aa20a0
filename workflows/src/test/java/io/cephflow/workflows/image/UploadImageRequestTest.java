package io.cephflow.workflows.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UploadImageRequestTest {
  static final String ID = "11111111-2222-4333-8444-555555555555";

  static UploadImageRequest from(String source) {
    return new UploadImageRequest(ID, "x", source, "raw", null);
  }

  @Test
  void credentialsInAUrlAreRefusedWithoutRepeatingThem() {
    for (String s :
        new String[] {
          "http://alice:s3cret@example.org/x.img",
          "https://tok3n@example.org/x",
          "HTTP://alice:s3cret@[::1]:8080/x",
          "ftp://u:s3cret@h/x"
        }) {
      assertThatThrownBy(() -> from(s).validate())
          .as(s)
          .hasMessageContaining("credentials")
          .hasMessageNotContaining("s3cret")
          .hasMessageNotContaining("tok3n");
    }
  }

  @Test
  void anAtSignInAPathOrQueryIsNotACredential() {
    for (String s :
        new String[] {
          "/data/a@b.img",
          "file:/data/a@b.img",
          "http://example.org/x@y.img",
          "https://example.org/x?who=a@b"
        }) {
      assertThatCode(() -> from(s).validate()).as(s).doesNotThrowAnyException();
    }
  }

  @Test
  void controlCharactersAndHugeSourcesAreRefused() {
    assertThatThrownBy(() -> from("/data/a\u0000.img").validate())
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> from("/data/a\n.img").validate())
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> from("/" + "a".repeat(5000)).validate()).hasMessageContaining("4096");
  }

  @Test
  void convertIsRawOrAbsentAndOnlyChangesANonRawSource() {
    var qcow2 =
        new UploadImageRequest(
            "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10", "n", "/data/a.qcow2", "qcow2", null, "raw");
    assertThat(qcow2.validate().convertsToRaw()).isTrue();
    assertThat(qcow2.storedFormat()).isEqualTo("raw");
    var raw =
        new UploadImageRequest(
            "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10", "n", "/data/a.raw", "raw", null, "raw");
    assertThat(raw.validate().convertsToRaw()).isFalse();
    assertThat(
            new UploadImageRequest(
                    "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10", "n", "/data/a.qcow2", "qcow2", null)
                .storedFormat())
        .isEqualTo("qcow2");
    assertThatThrownBy(
            () ->
                new UploadImageRequest(
                        "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10",
                        "n",
                        "/data/a.qcow2",
                        "qcow2",
                        null,
                        "vmdk")
                    .validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("convert must be one of [raw]");
  }
}
