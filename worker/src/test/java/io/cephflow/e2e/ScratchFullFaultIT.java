package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephTestCluster;
import io.cephflow.workflows.common.RbdRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scratch area fills up while an upload stages its source (another tenant of the file system
 * takes the space): the flow fails at once with a typed, non-retried reason, and leaves no scratch
 * file, no RBD image and no record. The scratch area is a small tmpfs that dev/faults-test.sh
 * mounts ({@link FaultStack}); the fill is deterministic: the test's HTTP source sends half the
 * file, waits while the test fills the file system, then sends the rest.
 */
@EnabledIfEnvironmentVariable(named = FaultCluster.STATE, matches = ".+")
class ScratchFullFaultIT {
  private static final int SOURCE_BYTES = 40 << 20;
  @TempDir static Path dir;
  static Path fs;
  static CephflowStack stack;

  @BeforeAll
  static void start() throws Exception {
    FaultStack faults = FaultStack.get();
    fs = faults.smallFs;
    assertThat(Files.getFileStore(fs).getTotalSpace())
        .as("%s must be a small file system of its own", fs)
        .isLessThan(256L << 20);
    stack = faults.stack;
  }

  @Test
  void aScratchAreaFilledDuringStagingFailsTypedOnceAndLeavesNothing() throws Exception {
    Path raw = dir.resolve("random.raw");
    Path qcow2 = dir.resolve("random.qcow2");
    CephTestCluster.run(List.of("sh", "-c", "head -c " + SOURCE_BYTES + " /dev/urandom > " + raw));
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    String id = UUID.randomUUID().toString();
    Path filler = fs.resolve("filler-" + id);
    try (GatedServer source = new GatedServer(qcow2, 16 << 20)) {
      String op =
          ServerIts.started(
              stack.post(
                  "/api/v1/images",
                  "{\"imageId\":\""
                      + id
                      + "\",\"name\":\"full\","
                      + "\"source\":\""
                      + source.url()
                      + "\",\"diskFormat\":\"qcow2\"}"));
      assertThat(source.halfway.await(2, TimeUnit.MINUTES))
          .as("the upload never read its source")
          .isTrue();
      fill(filler);
      source.rest.countDown();
      String done = stack.await(op, Duration.ofMinutes(2));
      assertThat(done)
          .contains("\"status\":\"FAILED\"")
          .contains("\"type\":\"NoSpace\"")
          .contains("scratch area")
          .doesNotContain("reading http");
      // typed non-retryable: one attempt of the staging, not ten (the flow has ended, so the count
      // is
      // final once the worker has published it)
      assertThat(
              FaultStack.awaitMetric(
                  stack,
                  "cephflow_activity_failures_total",
                  "activity_type=\"StageSource\"",
                  "failure=\"NoSpace\""))
          .isEqualTo(1.0);
      assertThat(source.requests).as("requests for the source").isEqualTo(1);
    } finally {
      Files.deleteIfExists(filler);
    }
    assertThat(stack.scratchFiles()).isEmpty();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", id))).isFalse();
    // no record left CREATING: the id never named a resource
    assertThat(stack.get("/api/v1/images/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void aSourceLargerThanTheFreeScratchSpaceIsRefusedBeforeAByteIsStaged() throws Exception {
    Path raw = dir.resolve("small.raw");
    Path qcow2 = dir.resolve("small.qcow2");
    CephTestCluster.run(List.of("sh", "-c", "head -c 4M /dev/urandom > " + raw));
    CephTestCluster.run(
        List.of(
            "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString()));
    String id = UUID.randomUUID().toString();
    Path filler = fs.resolve("filler-" + id);
    try (GatedServer source = new GatedServer(qcow2, 0)) {
      fill(filler);
      String op =
          ServerIts.started(
              stack.post(
                  "/api/v1/images",
                  "{\"imageId\":\""
                      + id
                      + "\",\"name\":\"full\","
                      + "\"source\":\""
                      + source.url()
                      + "\",\"diskFormat\":\"qcow2\"}"));
      source.rest.countDown();
      String done = stack.await(op, Duration.ofMinutes(2));
      assertThat(done)
          .contains("\"status\":\"FAILED\"")
          .contains("\"type\":\"SourceTooLarge\"")
          .contains("more than may be staged");
    } finally {
      Files.deleteIfExists(filler);
    }
    assertThat(stack.scratchFiles()).isEmpty();
    assertThat(CephTestCluster.rbd().images().exists(new RbdRef("images", id))).isFalse();
    assertThat(stack.get("/api/v1/images/" + id).statusCode()).isEqualTo(404);
  }

  /** Takes every free byte of the file system, as another tenant would. */
  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) out.write(chunk);
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) throw e;
    }
    assertThat(Files.getFileStore(fs).getUsableSpace()).isLessThan(1 << 20);
  }

  /**
   * Serves one file (Content-Length, then the bytes), pausing after {@code pauseAt} bytes until
   * {@link #rest} is counted down; {@link #halfway} says it got there.
   */
  static final class GatedServer implements AutoCloseable {
    final CountDownLatch halfway = new CountDownLatch(1);
    final CountDownLatch rest = new CountDownLatch(1);
    volatile int requests;
    private final ServerSocket socket;
    private final Thread thread;

    GatedServer(Path file, int pauseAt) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket c = socket.accept()) {
                    serve(c, Files.readAllBytes(file), pauseAt);
                  } catch (IOException | InterruptedException e) {
                    // the client hung up, or closed
                  }
                }
              },
              "gated-http");
      thread.setDaemon(true);
      thread.start();
    }

    private void serve(Socket c, byte[] data, int pauseAt)
        throws IOException, InterruptedException {
      InputStream in = c.getInputStream();
      String request = readHead(in);
      OutputStream out = c.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                  + data.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes());
      if (request.startsWith("HEAD")) return;
      requests++;
      out.write(data, 0, pauseAt);
      out.flush();
      halfway.countDown();
      rest.await(2, TimeUnit.MINUTES);
      out.write(data, pauseAt, data.length - pauseAt);
      out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      while (!b.toString().endsWith("\r\n\r\n")) {
        int ch = in.read();
        if (ch < 0) break;
        b.append((char) ch);
      }
      return b.toString();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/source.qcow2";
    }

    @Override
    public void close() throws IOException {
      rest.countDown();
      socket.close();
    }
  }
}
