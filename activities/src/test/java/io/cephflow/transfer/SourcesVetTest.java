package io.cephflow.transfer;

import static io.cephflow.transfer.RawHttpServer.sends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cephflow.workflows.common.Failures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Sources#vet}: refusals at the door, typed, with a reason, and without a connection (the
 * server below must never see one) or a read.
 */
class SourcesVetTest {
  @TempDir Path dir;
  private Path root;
  private RawHttpServer server;
  private Sources sources;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(dir.resolve("incoming"));
    server = new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    sources =
        new Sources(SourcePolicy.defaults(List.of(root)).withLoopback(true).withMaxBytes(1000));
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    assertThat(server.accepted()).as("connections made by vet or a refused open").isZero();
  }

  private SourceException refusal(String source) {
    Throwable t = catchThrowable(() -> sources.vet(source));
    assertThat(t).as(source).isInstanceOf(SourceException.class);
    Throwable again =
        catchThrowable(() -> sources.open(source)); // open refuses the same way, first
    assertThat(again).as(source).isInstanceOf(SourceException.class);
    assertThat(((SourceException) again).type()).isEqualTo(((SourceException) t).type());
    return (SourceException) t;
  }

  private void assertRefused(String source, String type, String reason) {
    SourceException e = refusal(source);
    assertThat(e.type()).as(source + ": " + e.getMessage()).isEqualTo(type);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).as(source).containsIgnoringCase(reason);
  }

  @Test
  void credentialsInAUrlAreRefusedAndNeverRepeated() {
    for (String url :
        new String[] {
          server.url("/x").replace("//", "//alice:s3cr%2Fet@"),
          server.url("/x").replace("//", "//alice@"),
          server.url("/x").replace("//", "//alice:s3cr/et@")
        }) {
      SourceException e = refusal(url);
      assertThat(e.type()).as(url).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(e.getMessage()).as(url).doesNotContain("s3cr").doesNotContain("alice");
    }
    assertThat(refusal(server.url("/x").replace("//", "//alice:s3cret@")).getMessage())
        .contains("do not put credentials in the URL");
  }

  @Test
  void malformedSourcesAreInvalidRequests() {
    assertRefused(server.url("/a b.raw"), Failures.INVALID_REQUEST, "not a valid URL");
    assertRefused(server.url("/a%zz.raw"), Failures.INVALID_REQUEST, "not a valid URL");
    assertRefused("file://127.0.0.1/x", Failures.INVALID_REQUEST, "without a host");
    assertRefused("file://host" + root + "/x.raw", Failures.INVALID_REQUEST, "without a host");
    assertRefused("file:x.raw", Failures.INVALID_REQUEST, "absolute path");
    assertRefused("file:" + root + "/a%00b", Failures.INVALID_REQUEST, "control character");
    assertRefused("http:///x.raw", Failures.INVALID_REQUEST, "no host");
    assertRefused("http://", Failures.INVALID_REQUEST, "not a valid URL");
    assertRefused("http://exa_mple.com/x.raw", Failures.INVALID_REQUEST, "host");
    assertRefused("http://127.0.0.1:99999/x.raw", Failures.INVALID_REQUEST, "port");
    assertRefused("images/x.raw", Failures.INVALID_REQUEST, "absolute path");
    assertRefused(root + "/a\0b", Failures.INVALID_REQUEST, "control character");
    assertRefused(server.url("/x\n.raw"), Failures.INVALID_REQUEST, "control character");
    assertRefused(" " + server.url("/x"), Failures.INVALID_REQUEST, "white space");
    assertRefused("", Failures.INVALID_REQUEST, "empty");
    assertRefused(null, Failures.INVALID_REQUEST, "empty");
  }

  @Test
  void schemesAndAddressesOutsideThePolicyAreForbidden() {
    assertRefused(
        server.url("/x").replace("http:", "gopher:"), Failures.SOURCE_FORBIDDEN, "scheme 'gopher'");
    assertRefused("ftp://127.0.0.1/x", Failures.SOURCE_FORBIDDEN, "scheme 'ftp'");
    assertRefused(
        "http://169.254.169.254/latest/meta-data/", Failures.SOURCE_FORBIDDEN, "link-local");
    assertRefused("http://[fd00:ec2::254]/", Failures.SOURCE_FORBIDDEN, "metadata");
    assertRefused("http://10.1.2.3/x.raw", Failures.SOURCE_FORBIDDEN, "private");
    Sources strict = new Sources(SourcePolicy.defaults(List.of(root)));
    SourceException e = (SourceException) catchThrowable(() -> strict.vet(server.url("/x")));
    assertThat(e.type()).isEqualTo(Failures.SOURCE_FORBIDDEN);
    assertThat(e).hasMessageContaining("loopback");
  }

  @Test
  void filesMustBeRegularNonEmptyUnderTheRootsAndWithinTheCap() throws Exception {
    assertRefused("/etc/passwd", Failures.SOURCE_FORBIDDEN, "outside the allowed directories");
    // outside the roots, a missing file is refused the same way: no probing of what exists
    assertRefused(
        "/etc/no-such-file-here", Failures.SOURCE_FORBIDDEN, "outside the allowed directories");
    assertRefused(
        root + "/../../etc/passwd", Failures.SOURCE_FORBIDDEN, "outside the allowed directories");
    Files.createSymbolicLink(root.resolve("escape.raw"), Path.of("/etc/passwd"));
    assertRefused(root + "/escape.raw", Failures.SOURCE_FORBIDDEN, "it leads to /etc/passwd");
    assertRefused(root + "/missing.raw", Failures.SOURCE_NOT_FOUND, "no such file");
    Files.createDirectory(root.resolve("dir.raw"));
    assertRefused(root + "/dir.raw", Failures.SOURCE_NOT_FOUND, "not a regular file");
    Files.createFile(root.resolve("empty.raw"));
    assertRefused(root + "/empty.raw", Failures.SOURCE_EMPTY, "empty");
    Files.write(root.resolve("big.raw"), new byte[1001]);
    assertRefused(
        root + "/big.raw", Failures.SOURCE_TOO_LARGE, "1001 bytes, over the limit of 1000");

    Path ok = Files.write(root.resolve("ok raw.img"), new byte[1000]);
    assertThatCode(() -> sources.vet(ok.toString())).doesNotThrowAnyException();
    assertThatCode(() -> sources.vet(ok.toUri().toString())).doesNotThrowAnyException();
    try (Sources.Opened opened = sources.open("file://" + ok.toString().replace(" ", "%20"))) {
      assertThat(opened.file()).isEqualTo(ok.toRealPath());
      assertThat(opened.body().readAllBytes()).hasSize(1000);
    }
  }

  @Test
  void aUrlThatPassesIsVettedWithoutAConnection() {
    assertThatCode(() -> sources.vet(server.url("/image.raw?sig=abc#frag")))
        .doesNotThrowAnyException();
    assertThatCode(() -> sources.vet("HTTP://127.0.0.1:" + server.port() + "/x"))
        .doesNotThrowAnyException();
  }

  @Test
  void redactHidesCredentialsOnly() {
    assertThat(Sources.redact("https://u:p@h.example/x?y=1"))
        .isEqualTo("https://***@h.example/x?y=1");
    assertThat(Sources.redact("https://u@h.example/x")).isEqualTo("https://***@h.example/x");
    assertThat(Sources.redact("http://u:pa/ss@h.example/x")).isEqualTo("http://***@h.example/x");
    assertThat(Sources.redact("http://u:p ss@h.example/x")).isEqualTo("http://***@h.example/x");
    assertThat(Sources.redact("https://h.example/a@b")).isEqualTo("https://h.example/a@b");
    assertThat(Sources.redact("/var/lib/x@y.raw")).isEqualTo("/var/lib/x@y.raw");
    assertThat(Sources.redact(null)).isNull();
  }
}
