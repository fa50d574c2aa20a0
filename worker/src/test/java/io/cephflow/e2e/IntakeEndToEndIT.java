package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.activities.ConvertActivitiesImpl;
import io.cephflow.ceph.CephTestCluster;
import io.cephflow.intake.Corpus;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.storage.ConvertActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Untrusted images through the whole flow (REST, worker, Temporal, Ceph, qemu): every bad input
 * fails with its typed reason and leaves no scratch file, RBD image or snapshot; a vetted qcow2 is
 * stored as it is and converts to exactly the raw data it holds.
 */
class IntakeEndToEndIT {
  private static final long QCOW2_INCOMPAT_LSB = 79;
  @TempDir static Path dir;
  static CephflowStack stack;
  static Corpus corpus;
  static LyingServer server;

  @BeforeAll
  static void start() throws Exception {
    stack = new CephflowStack(dir);
    corpus = new Corpus(dir);
    server = new LyingServer(dir);
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) server.close();
    if (stack != null) stack.close();
  }

  @Test
  void everyBadInputFailsTypedAndLeavesNothingBehind() throws Exception {
    Path backing =
        corpus.create("qcow2", "backing.qcow2", "1M", "-u", "-b", "/etc/passwd", "-F", "raw");
    expectFailure(backing, "qcow2", "UnsafeImage", "BACKING_FILE");

    Path dataFile = corpus.create("qcow2", "datafile.qcow2", "1M");
    Corpus.orByte(dataFile, QCOW2_INCOMPAT_LSB, 0x04);
    expectFailure(dataFile, "qcow2", "UnsafeImage", "DATA_FILE");

    Path flat = corpus.create("vmdk", "flat.vmdk", "1M", "-o", "subformat=monolithicFlat");
    expectFailure(flat, "vmdk", "UnsafeImage", "VMDK_SUBFORMAT");

    Path extent = corpus.create("vmdk", "extent.vmdk", "1M");
    Corpus.editVmdkDescriptor(extent, "SPARSE \"extent.vmdk\"", "SPARSE \"/etc/passwd\"");
    expectFailure(extent, "vmdk", "UnsafeImage", "VMDK_EXTENT");

    Path qed = corpus.create("qed", "x.qed", "1M");
    expectFailure(qed, "qcow2", "UnsafeImage", "FORMAT_MISMATCH");
    expectFailure(qed, "raw", "UnsafeImage", "FORMAT_MISMATCH");

    Path truncated = corpus.create("qcow2", "truncated.qcow2", "1M");
    Corpus.truncate(truncated, 50);
    expectFailure(truncated, "qcow2", "UnsafeImage", "CORRUPT_HEADER");

    Path huge = corpus.create("qcow2", "huge.qcow2", "1M");
    Corpus.putLongBE(huge, 24, 1L << 60);
    expectFailure(huge, "qcow2", "UnsafeImage", "TOO_LARGE");

    Path qcow2 = corpus.create("qcow2", "plain.qcow2", "1M");
    expectFailure(qcow2, "raw", "UnsafeImage", "FORMAT_MISMATCH");
    Path raw = corpus.sparseRaw("plain.raw");
    expectFailure(raw, "qcow2", "UnsafeImage", "FORMAT_MISMATCH");

    expectFailureBody(
        source(qcow2, "qcow2", "sha512:" + "0".repeat(128)), "ChecksumMismatch", "sha512");
    expectFailureBody(source(raw, "raw", "sha256:" + "0".repeat(64)), "ChecksumMismatch", "sha256");

    // Content-Length shorter than the body, and longer (the server closes early), on both paths
    expectFailureUrl(
        server.url("lie/-1000/plain.raw"),
        "raw",
        "SourceLengthMismatch",
        "more than its Content-Length");
    expectFailureUrl(
        server.url("lie/1000/plain.raw"), "raw", "SourceLengthMismatch", "closed after");
    expectFailureUrl(
        server.url("lie/-1000/plain.qcow2"),
        "qcow2",
        "SourceLengthMismatch",
        "more than its Content-Length");
    expectFailureUrl(
        server.url("lie/1000/plain.qcow2"), "qcow2", "SourceLengthMismatch", "closed after");
    expectFailureUrl(server.url("loop/0"), "qcow2", "SourceForbidden", "too many redirects");
    expectFailureUrl(server.url("stall/plain.raw"), "qcow2", "SourceTimeout", "stalled");
    expectFailureUrl(
        "http://169.254.169.254/latest/meta-data/image.qcow2",
        "qcow2",
        "SourceForbidden",
        "link-local");
    expectFailureUrl("http://[fe80::1]/image.qcow2", "qcow2", "SourceForbidden", "link-local");
  }

  @Test
  void aVettedQcow2IsStoredAsItIsAndConvertsToTheExactRawData() throws Exception {
    Path raw = dir.resolve("random.raw");
    Corpus.run(List.of("sh", "-c", "head -c 24M /dev/urandom > " + raw));
    Corpus.truncate(raw, 32L << 20); // 8 MiB hole at the end
    Path qcow2 = corpus.convert(raw, "qcow2", "random.qcow2");
    String id = UUID.randomUUID().toString();
    RbdRef stored = new RbdRef("vms", UUID.randomUUID() + "_disk");
    try {
      String sha512 = ServerIts.digest(qcow2, "SHA-512");
      HttpResponse<String> r =
          stack.post(
              "/api/v1/images",
              "{\"imageId\":\""
                  + id
                  + "\",\"name\":\"random\","
                  + "\"source\":\""
                  + server.url("files/random.qcow2")
                  + "\",\"diskFormat\":\"qcow2\","
                  + "\"checksum\":\"sha512:"
                  + sha512
                  + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String done =
          stack.await(r.headers().firstValue("Location").orElseThrow(), Duration.ofMinutes(3));
      assertThat(done).contains("\"status\":\"COMPLETED\"");
      assertThat(stack.scratchFiles()).isEmpty();
      String meta =
          CephTestCluster.rbdCli("image-meta", "list", "--format", "json", "images/" + id);
      assertThat(meta)
          .contains("\"cephflow.disk-format\":\"qcow2\"")
          .contains("\"cephflow.virtual-size\":\"" + (32L << 20) + "\"")
          .contains("\"cephflow.size\":\"" + Files.size(qcow2) + "\"");
      assertThat(ServerIts.exportSha256(dir, "images/" + id))
          .isEqualTo(ServerIts.digest(qcow2, "SHA-256"));
      assertThat(CephTestCluster.rbdCli("snap", "ls", "--format", "json", "images/" + id))
          .contains("\"protected\":\"true\"");

      CephTestCluster.rbdCli("create", "--size", "32M", stored.toString());
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        env.registerActivitiesImplementations(stack.worker.getBean(ConvertActivitiesImpl.class));
        ConvertActivities convert =
            env.newActivityStub(
                ConvertActivities.class,
                ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(5))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                    .build());
        ConvertActivities.ConvertResult result =
            convert.convertImageInto(
                RbdRef.image(id), "qcow2", new RbdRef(stored.pool(), stored.image()));
        assertThat(result.virtualSizeBytes()).isEqualTo(32L << 20);
        assertThat(result.bytesWritten()).isEqualTo(24L << 20);
        assertThat(result.sha256()).isEqualTo(ServerIts.digest(raw, "SHA-256"));
      } finally {
        env.close();
      }
      assertThat(ServerIts.exportSha256(dir, stored.toString()))
          .isEqualTo(ServerIts.digest(raw, "SHA-256"));
      // provenance of the converted image: the raw digest, checkable with rbd export
      assertThat(
              CephTestCluster.rbdCli("image-meta", "get", stored.toString(), "cephflow.sha256")
                  .strip())
          .isEqualTo(ServerIts.digest(raw, "SHA-256"));
      assertThat(
              CephTestCluster.rbdCli(
                      "image-meta", "get", stored.toString(), "cephflow.virtual-size")
                  .strip())
          .isEqualTo(Long.toString(32L << 20));
      assertThat(stack.scratchFiles()).isEmpty();
    } finally {
      CephTestCluster.purge(new RbdRef("images", id));
      CephTestCluster.purge(stored);
    }
  }

  private static String source(Path file, String format, String checksum) {
    return "{\"name\":\"bad\",\"source\":\""
        + file
        + "\",\"diskFormat\":\""
        + format
        + "\""
        + (checksum == null ? "" : ",\"checksum\":\"" + checksum + "\"")
        + "}";
  }

  private void expectFailure(Path file, String format, String type, String reason)
      throws Exception {
    expectFailureBody(source(file, format, null), type, reason);
  }

  private void expectFailureUrl(String url, String format, String type, String reason)
      throws Exception {
    expectFailureBody(
        "{\"name\":\"bad\",\"source\":\"" + url + "\",\"diskFormat\":\"" + format + "\"}",
        type,
        reason);
  }

  private void expectFailureBody(String body, String type, String reason) throws Exception {
    HttpResponse<String> r = stack.post("/api/v1/images", body);
    String done = ServerIts.failedWith(stack, r, type);
    assertThat(done).as(body).contains(reason);
    assertThat(stack.scratchFiles()).as("scratch after " + body).isEmpty();
    if (ServerIts.refusedAtTheDoor(r)) return; // no operation, no image id
    // the pool is shared with other engineers' runs: check our image by name, not the pool's
    // listing
    RbdRef image =
        new RbdRef(
            "images",
            r.body()
                .replaceAll(
                    "(?s).*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}).*",
                    "$1"));
    assertThat(CephTestCluster.rbd().images().exists(image)).as(image + " after " + body).isFalse();
  }

  /**
   * An HTTP server that misbehaves on purpose, written on a raw socket (a real HTTP server would
   * not send a wrong Content-Length): {@code files/F} serves F correctly, {@code lie/D/F} announces
   * size+D, {@code stall/F} stops after 64 KiB, {@code loop/N} redirects forever.
   */
  static final class LyingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lying-http");
              t.setDaemon(true);
              return t;
            });
    private final Path root;

    LyingServer(Path root) throws IOException {
      this.root = root;
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      pool.submit(
          () -> {
            while (!socket.isClosed()) {
              try {
                Socket c = socket.accept();
                pool.submit(() -> serve(c));
              } catch (IOException e) {
                return;
              }
            }
          });
    }

    String url(String path) {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/" + path;
    }

    private void serve(Socket c) {
      try (c) {
        var in =
            new BufferedReader(
                new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
        String path = in.readLine().split(" ")[1].substring(1);
        while (!in.readLine().isEmpty()) {
          // headers are not needed
        }
        OutputStream out = c.getOutputStream();
        String[] p = path.split("/");
        switch (p[0]) {
          case "loop" ->
              head(
                  out,
                  "302 Found",
                  "Location: /loop/" + (Integer.parseInt(p[1]) + 1) + "\r\nContent-Length: 0");
          case "files" -> {
            byte[] data = Files.readAllBytes(root.resolve(p[1]));
            head(out, "200 OK", "Content-Length: " + data.length);
            out.write(data);
          }
          case "lie" -> {
            byte[] data = Files.readAllBytes(root.resolve(p[2]));
            head(out, "200 OK", "Content-Length: " + (data.length + Long.parseLong(p[1])));
            out.write(data);
          }
          case "stall" -> {
            byte[] data = Files.readAllBytes(root.resolve(p[1]));
            head(out, "200 OK", "Content-Length: " + data.length);
            out.write(data, 0, 64 << 10);
            out.flush();
            Thread.sleep(20_000);
          }
          default -> head(out, "404 Not Found", "Content-Length: 0");
        }
        out.flush();
      } catch (IOException e) {
        // the client hung up: expected for the lies
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void head(OutputStream out, String status, String headers) throws IOException {
      out.write(
          ("HTTP/1.1 " + status + "\r\n" + headers + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
      socket.close();
      pool.shutdownNow();
    }
  }
}
