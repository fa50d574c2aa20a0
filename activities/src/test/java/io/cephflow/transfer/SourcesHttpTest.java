package io.cephflow.transfer;

import static io.cephflow.transfer.RawHttpServer.sends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Sources#open} over real loopback sockets whose every byte the test decides. */
@Timeout(30)
class SourcesHttpTest {
  private static final long CAP = 1 << 20;
  @TempDir Path roots;

  private Sources sources() {
    return new Sources(
        SourcePolicy.defaults(List.of(roots))
            .withLoopback(true)
            .withReadTimeout(Duration.ofSeconds(1))
            .withMaxBytes(CAP));
  }

  private static byte[] readAll(Sources.Opened opened) throws IOException {
    try (opened) {
      return opened.body().readAllBytes();
    }
  }

  @Test
  void readsABodyOfItsContentLength() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))) {
      Sources.Opened opened = sources().open(server.url("/image.raw"));
      assertThat(opened.length()).isEqualTo(5);
      assertThat(new String(readAll(opened), StandardCharsets.US_ASCII)).isEqualTo("hello");
      assertThat(server.requests().get(0))
          .startsWith("GET /image.raw HTTP/1.1\r\n")
          .containsIgnoringCase("accept-encoding: identity");
    }
  }

  @Test
  void aBodyEndsAtItsLengthEvenWhenTheServerKeepsTheConnectionOpen() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              s.hold();
            })) {
      long start = System.nanoTime();
      assertThat(readAll(sources().open(server.url("/x")))).hasSize(5);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void aBodyLongerOrShorterThanItsContentLengthIsALengthMismatch() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello world"))) {
      Sources.Opened opened = sources().open(server.url("/x"));
      assertThatThrownBy(() -> readAll(opened))
          .isInstanceOf(SourceLengthException.class)
          .hasMessageContaining("more than its Content-Length");
    }
    try (RawHttpServer server =
        new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"))) {
      Sources.Opened opened = sources().open(server.url("/x"));
      assertThatThrownBy(() -> readAll(opened))
          .isInstanceOf(SourceLengthException.class)
          .hasMessageContaining("closed after 5 of the 10 bytes");
    }
  }

  @Test
  void aServerThatStallsFailsWithSourceTimeoutSoon() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              s.hold();
            })) {
      long start = System.nanoTime();
      Sources.Opened opened = sources().open(server.url("/x"));
      byte[] ten = opened.body().readNBytes(10);
      assertThat(ten).hasSize(10);
      assertThatThrownBy(() -> opened.body().read())
          .isInstanceOfSatisfying(
              SourceReadException.class,
              e -> {
                assertThat(e.type()).isEqualTo(Failures.SOURCE_TIMEOUT);
                assertThat(e.retryable()).isTrue();
                assertThat(e).hasMessageContaining("stalled");
              });
      opened.close(); // must not wait for the rest either
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aServerThatNeverAnswersFailsWithSourceTimeout() throws Exception {
    try (RawHttpServer server = new RawHttpServer((request, out, s) -> s.hold())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> sources().open(server.url("/x")))
          .isInstanceOfSatisfying(
              SourceException.class,
              e -> {
                assertThat(e.type()).isEqualTo(Failures.SOURCE_TIMEOUT);
                assertThat(e.retryable()).isTrue();
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void anEndlessChunkedBodyFailsAtTheCap() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    try (RawHttpServer server = new RawHttpServer(endless(true, sent))) {
      assertTooLargeAtTheCap(sources().open(server.url("/x")));
    }
    assertThat((long) sent.get())
        .isLessThan(64 * CAP); // it stopped the server, not the test's timeout
  }

  @Test
  void anEndlessBodyWithoutLengthFailsAtTheCap() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    try (RawHttpServer server = new RawHttpServer(endless(false, sent))) {
      Sources.Opened opened = sources().open(server.url("/x"));
      assertThat(opened.length()).isEqualTo(-1);
      assertTooLargeAtTheCap(opened);
    }
  }

  private static void assertTooLargeAtTheCap(Sources.Opened opened) throws IOException {
    byte[] buf = new byte[64 << 10];
    long total = 0;
    try (opened) {
      InputStream in = opened.body();
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SourceTooLargeException e) {
          assertThat(e.type()).isEqualTo(Failures.SOURCE_TOO_LARGE);
          assertThat(e.retryable()).isFalse();
          break;
        }
        assertThat(n).isPositive();
        total += n;
      }
    }
    assertThat(total).isEqualTo(CAP); // every byte up to the cap, not one more
  }

  private static RawHttpServer.Handler endless(boolean chunked, AtomicInteger sent) {
    return (request, out, server) -> {
      out.write(
          ("HTTP/1.1 200 OK\r\n" + (chunked ? "Transfer-Encoding: chunked\r\n" : "") + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[16 << 10];
      while (true) {
        if (chunked)
          out.write(
              (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(block);
        if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sent.addAndGet(block.length);
      }
    };
  }

  @Test
  void malformedHttpIsANonRetryableProtocolError() throws Exception {
    String[] heads = {
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "HTTP/1.1 abc OK\r\nContent-Length: 5\r\n\r\nhello",
      "ICY 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
      "HTTP/1.1 200 OK\r\nContent-Le",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
    };
    for (String head : heads) {
      try (RawHttpServer server = new RawHttpServer(sends(head))) {
        Throwable thrown = null;
        try {
          readAll(sources().open(server.url("/x")));
        } catch (SourceException | IOException e) {
          thrown = e;
        }
        String shown = head.replace("\r\n", "\\r\\n");
        assertThat(thrown).as(shown).isNotNull();
        // refused at open (headers) or while reading (the body's framing): the same type either way
        String type =
            thrown instanceof SourceException se
                ? se.type()
                : ((SourceReadException) thrown).type();
        boolean retryable =
            thrown instanceof SourceException se
                ? se.retryable()
                : ((SourceReadException) thrown).retryable();
        assertThat(type).as(shown + ": " + thrown).isEqualTo(Failures.SOURCE_PROTOCOL);
        assertThat(retryable).as(shown).isFalse();
      }
    }
  }

  @Test
  void serverErrorsAreRetryableSourceUnavailable() throws Exception {
    for (String status : new String[] {"503 Service Unavailable", "429 Too Many Requests"}) {
      try (RawHttpServer server =
          new RawHttpServer(sends("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n\r\n"))) {
        assertThatThrownBy(() -> sources().open(server.url("/x")))
            .isInstanceOfSatisfying(
                SourceException.class,
                e -> {
                  assertThat(e.type()).isEqualTo(Failures.SOURCE_UNAVAILABLE);
                  assertThat(e.retryable()).isTrue();
                });
      }
    }
  }

  @Test
  void redirectsAreFollowedAndEachHopIsVetted() throws Exception {
    try (RawHttpServer target =
            new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        RawHttpServer hop =
            new RawHttpServer(
                sends(
                    "HTTP/1.1 302 Found\r\nLocation: "
                        + target.url("/b")
                        + "\r\nContent-Length: 0\r\n\r\n"))) {
      assertThat(readAll(sources().open(hop.url("/a"))))
          .isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
    }
    for (String location :
        new String[] {
          "http://169.254.169.254/latest/meta-data/",
          "file:///etc/passwd",
          "gopher://127.0.0.1/x",
          "http://user:hunter2@127.0.0.1/x"
        }) {
      try (RawHttpServer hop =
          new RawHttpServer(
              sends(
                  "HTTP/1.1 302 Found\r\nLocation: "
                      + location
                      + "\r\nContent-Length: 0\r\n\r\n"))) {
        assertThatThrownBy(() -> sources().open(hop.url("/a")))
            .as(location)
            .isInstanceOfSatisfying(
                SourceException.class,
                e -> {
                  assertThat(e.type()).isEqualTo(Failures.SOURCE_FORBIDDEN);
                  assertThat(e).hasMessageNotContaining("hunter2");
                });
      }
    }
  }

  @Test
  void tooManyRedirectsAreRefused() throws Exception {
    try (RawHttpServer loop =
        new RawHttpServer(
            sends("HTTP/1.1 302 Found\r\nLocation: /again\r\n" + "Content-Length: 0\r\n\r\n"))) {
      assertThatThrownBy(() -> sources().open(loop.url("/a")))
          .isInstanceOfSatisfying(
              SourceException.class,
              e -> {
                assertThat(e.type()).isEqualTo(Failures.SOURCE_FORBIDDEN);
                assertThat(e).hasMessageContaining("too many redirects");
              });
      assertThat(loop.accepted()).isEqualTo(SourcePolicy.defaults(List.of()).maxRedirects() + 1);
    }
  }

  /** A rebinding DNS: public-looking and vetted first, metadata after. The client never asks it. */
  @Test
  void theClientConnectsOnlyToTheAddressesThatWereVetted() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    Sources.HostLookup rebinding =
        host -> {
          if (!host.equals("images.example.test")) throw new java.net.UnknownHostException(host);
          String answer = lookups.getAndIncrement() == 0 ? "127.0.0.1" : "169.254.169.254";
          return new InetAddress[] {InetAddress.getByName(answer)};
        };
    Sources sources =
        new Sources(
            SourcePolicy.defaults(List.of(roots))
                .withLoopback(true)
                .withReadTimeout(Duration.ofSeconds(1)),
            rebinding);
    try (RawHttpServer server =
        new RawHttpServer(sends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
      assertThat(readAll(sources.open("http://images.example.test:" + server.port() + "/x")))
          .hasSize(2);
      assertThat(lookups.get()).isEqualTo(1);
      assertThat(server.requests().get(0)).contains("Host: images.example.test:" + server.port());
    }
  }

  @Test
  void thePinnedResolverAnswersOnlyForTheVettedHost() throws Exception {
    InetAddress vetted = InetAddress.getByName("192.0.2.7");
    PinnedDns dns = new PinnedDns("Images.Example.Test", List.of(vetted));
    assertThat(dns.resolve("images.example.test")).containsExactly(vetted);
    assertThat(dns.resolve("images.example.test", 443))
        .extracting(a -> a.getAddress())
        .containsExactly(vetted);
    assertThatThrownBy(() -> dns.resolve("other.example.test"))
        .isInstanceOf(java.net.UnknownHostException.class);
    assertThat(new PinnedDns("[::1]", List.of(InetAddress.getByName("::1"))).resolve("::1"))
        .hasSize(1);
  }
}
