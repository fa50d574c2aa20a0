package io.cephflow.workflows.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings a start refuses, and the key file read again on change (TemporalTlsIT connects for
 * real).
 */
class TemporalConnectionTest {
  private static final TemporalConnection.Tls TLS =
      new TemporalConnection.Tls(true, null, null, null, null);

  @Test
  void refusesHalfAClientCertificateAKeyOverPlainTextAndTwoKeys() {
    Path p = Path.of("/x");
    assertThatThrownBy(
            () ->
                new TemporalConnection(
                    "t:1", "ns", new TemporalConnection.Tls(true, null, p, null, null), null, null))
        .hasMessageContaining(
            "both cephflow.temporal.tls.cert-file and cephflow.temporal.tls.key-file");
    assertThatThrownBy(
            () -> new TemporalConnection("t:1", "ns", TemporalConnection.Tls.off(), "k", null))
        .hasMessageContaining("only sent over TLS");
    assertThatThrownBy(() -> new TemporalConnection("t:1", "ns", TLS, "k", p))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                new TemporalConnection(
                    "t:1",
                    "ns",
                    new TemporalConnection.Tls(false, p, null, null, null),
                    null,
                    null))
        .hasMessageContaining("tls.enabled is false");
  }

  @Test
  void describesTheSecurityNeverTheKey() {
    assertThat(TemporalConnection.plain("t:1", "ns").describe())
        .isEqualTo("t:1 (namespace ns, plain text)");
    assertThat(new TemporalConnection("t:1", "ns", TLS, "secret-key", null).describe())
        .isEqualTo("t:1 (namespace ns, TLS + API key)")
        .doesNotContain("secret");
  }

  @Test
  void aKeyFileIsReadAgainWhenItChangesAndAnEmptyOneFailsTheStart(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, "");
    assertThatThrownBy(() -> new TemporalConnection.ApiKey(file)).hasMessageContaining("is empty");
    Files.writeString(file, "one\n");
    TemporalConnection.ApiKey key = new TemporalConnection.ApiKey(file);
    assertThat(key.get()).isEqualTo("one");
    Files.writeString(file, "two-two\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    assertThat(key.get()).isEqualTo("two-two");
    Files.delete(file);
    assertThat(key.get()).as("mid-rotation: the last key").isEqualTo("two-two");
  }
}
