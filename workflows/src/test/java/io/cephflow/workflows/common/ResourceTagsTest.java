package io.cephflow.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourceTagsTest {
  static final String ID = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";

  @Test
  void acceptsAKnownKindAndAUuid() {
    assertThat(ResourceTags.parse("image:" + ID)).isEqualTo(ResourceTags.image(ID));
    assertThat(ResourceTags.parse("server:" + ID)).isEqualTo(ResourceTags.server(ID));
  }

  @Test
  void refusesAnythingElseWithAReason() {
    assertThatThrownBy(() -> ResourceTags.parse(ID)).hasMessageContaining("<kind>:<id>");
    assertThatThrownBy(() -> ResourceTags.parse("disk:" + ID)).hasMessageContaining("kind one of");
    assertThatThrownBy(() -> ResourceTags.parse("image:x' OR 'a'='a"))
        .hasMessageContaining("lower-case UUID");
    assertThatThrownBy(() -> ResourceTags.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
