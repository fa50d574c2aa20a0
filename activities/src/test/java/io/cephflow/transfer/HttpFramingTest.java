package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.Failures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP framing as the download reads it, over loopback sockets whose every byte the test writes:
 * well-formed chunked bodies (extensions, trailers), bodies that arrive a few bytes at a time, and
 * the redirect limit at its edge. The refusals are in {@link SourcesHttpTest}.
 */
@Timeout(30)
class HttpFramingTest {
  @TempDir Path roots;

  private Sources sources() {
    return new Sources(
        SourcePolicy.defaults(List.of(roots))
            .withLoopback(true)
            .withReadTimeout(Duration.ofSeconds(5))
            .withMaxBytes(1 << 20));
  }

  private static byte[] readAll(Sources.Opened opened) throws IOException {
    try (opened) {
      return opened.body().readAllBytes();
    }
  }

  private static void ascii(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aChunkedBodyIsReassembledWithoutExtensionsOrTrailers() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              ascii(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              ascii(out, "5;name=value\r\nhello\r\n");
              ascii(out, "1\r\n \r\n");
              ascii(out, "A\r\n0123456789\r\n");
              ascii(out, "0\r\nX-Checksum: ignored\r\n\r\n");
              out.flush();
              s.hold();
            })) {
      Sources.Opened opened = sources().open(server.url("/image.raw"));
      assertThat(opened.length()).isEqualTo(-1);
      assertThat(new String(readAll(opened), StandardCharsets.US_ASCII))
          .isEqualTo("hello 0123456789");
    }
  }

  @Test
  void aBodyThatArrivesInPiecesIsReadWhole() throws Exception {
    byte[] body = new byte[50_000];
    new Random(3).nextBytes(body);
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              ascii(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n");
              for (int at = 0;
                  at < body.length;
                  at += 997) { // short reads: every write flushed alone
                out.write(body, at, Math.min(997, body.length - at));
                out.flush();
              }
            })) {
      Sources.Opened opened = sources().open(server.url("/x"));
      assertThat(opened.length()).isEqualTo(body.length);
      byte[] got = new byte[body.length];
      int filled = 0;
      try (opened) {
        for (int n;
            (n = opened.body().read(got, filled, Math.min(4096, got.length - filled))) > 0; )
          filled += n;
        assertThat(opened.body().read()).isEqualTo(-1);
      }
      assertThat(filled).isEqualTo(body.length);
      assertThat(got).isEqualTo(body);
    }
  }

  @Test
  void theHeadersMayArriveInPiecesToo() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              for (char c : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".toCharArray()) {
                out.write(c);
                out.flush();
              }
            })) {
      assertThat(readAll(sources().open(server.url("/x"))))
          .isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void exactlyTheAllowedNumberOfRedirectsIsFollowed() throws Exception {
    int max = SourcePolicy.defaults(List.of()).maxRedirects();
    try (RawHttpServer chain =
        new RawHttpServer(
            (request, out, s) -> {
              int hop =
                  Integer.parseInt(request.substring("GET /hop".length(), request.indexOf(' ', 4)));
              if (hop < max) {
                ascii(
                    out,
                    "HTTP/1.1 301 Moved\r\nLocation: /hop"
                        + (hop + 1)
                        + "\r\nContent-Length: 0\r\n\r\n");
              } else {
                ascii(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast");
              }
            })) {
      assertThat(readAll(sources().open(chain.url("/hop0"))))
          .isEqualTo("last".getBytes(StandardCharsets.US_ASCII));
      assertThat(chain.requests()).hasSize(max + 1);
      assertThatThrownBy(() -> sources().open(chain.url("/hop-1")))
          .isInstanceOfSatisfying(
              SourceException.class,
              e -> {
                assertThat(e.type()).isEqualTo(Failures.SOURCE_FORBIDDEN);
                assertThat(e).hasMessageContaining("too many redirects");
              });
    }
  }

  @Test
  void aRedirectWithoutALocationIsNotFollowed() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(RawHttpServer.sends("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n"))) {
      assertThatThrownBy(() -> sources().open(server.url("/x")))
          .isInstanceOf(SourceException.class);
      assertThat(server.requests()).hasSize(1);
    }
  }
}
