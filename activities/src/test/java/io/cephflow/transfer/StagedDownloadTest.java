package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Staging an untrusted source stops short of the scratch file system's reserve. */
@Timeout(30)
class StagedDownloadTest {
  private static final long MIB = 1 << 20;
  @TempDir Path dir;

  private final Sources sources =
      new Sources(
          SourcePolicy.defaults(List.of(Path.of("/nonexistent")))
              .withLoopback(true)
              .withReadTimeout(Duration.ofSeconds(2)));

  /** The default reserve on a 10 GiB file system with 1 GiB + 4 MiB usable: 4 MiB may be staged. */
  private ScratchArea scratch(AtomicLong usable) {
    return FakeSpaceScratch.of(
        dir.resolve("scratch"), ScratchArea.Reserve.DEFAULT, usable::get, 10L << 30);
  }

  @Test
  void anEndlessSourceFailsAtTheFreeSpaceLimitAndLeavesNoFile() throws Exception {
    AtomicLong usable = new AtomicLong((1L << 30) + 4 * MIB);
    ScratchArea scratch = scratch(usable);
    Path file = scratch.file("upload-endless");
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              out.write(
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              byte[] block = new byte[64 << 10];
              while (true) {
                out.write("10000\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(block);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
              }
            })) {
      assertThatThrownBy(
              () ->
                  StagedDownload.fetch(
                      sources,
                      scratch,
                      server.url("/disk.qcow2"),
                      file,
                      true,
                      null,
                      1 << 20,
                      Progress.NONE))
          .isInstanceOfSatisfying(
              SourceTooLargeException.class,
              e ->
                  assertThat(e)
                      .hasMessageContaining("the limit is " + 4 * MIB + " bytes")
                      .hasMessageContaining(
                          String.valueOf(1L << 40)) // the policy's cap, the other bound
                      .hasMessageContaining(String.valueOf(1L << 30))); // what is kept free
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void anAnnouncedLengthOverTheLimitFailsBeforeAByteIsStaged() throws Exception {
    ScratchArea scratch = scratch(new AtomicLong((1L << 30) + 4 * MIB));
    Path file = scratch.file("upload-big");
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out, s) -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + 100 * MIB + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              s.hold(); // sends nothing: a refusal that waited for the body would time out instead
            })) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  StagedDownload.fetch(
                      sources,
                      scratch,
                      server.url("/disk.qcow2"),
                      file,
                      true,
                      null,
                      1 << 20,
                      Progress.NONE))
          .isInstanceOf(SourceTooLargeException.class)
          .hasMessageContaining("the source is " + 100 * MIB + " bytes");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void aSourceWithinTheLimitIsStagedWhole() throws Exception {
    ScratchArea scratch = scratch(new AtomicLong((1L << 30) + 4 * MIB));
    Path file = scratch.file("upload-ok");
    String response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    try (RawHttpServer server = new RawHttpServer(RawHttpServer.sends(response))) {
      StagedDownload.Result r =
          StagedDownload.fetch(
              sources,
              scratch,
              server.url("/disk.qcow2"),
              file,
              true,
              "SHA-512",
              1 << 20,
              Progress.NONE);
      assertThat(r.bytes()).isEqualTo(5);
      assertThat(file).hasContent("hello");
      assertThat(r.sha256()).isEqualTo(hex("SHA-256", "hello"));
      assertThat(r.checksum()).isEqualTo(hex("SHA-512", "hello"));
    }
  }

  private static String hex(String algorithm, String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance(algorithm)
                .digest(text.getBytes(StandardCharsets.US_ASCII)));
  }
}
