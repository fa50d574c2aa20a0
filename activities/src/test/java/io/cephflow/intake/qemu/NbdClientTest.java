package io.cephflow.intake.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.fixture.Commands;
import io.cephflow.intake.format.DiskFormat;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD client: against a real qemu-nbd (handshake, block status, reads of data and holes) and
 * against a scripted server on a unix socket for what qemu-nbd never sends (refusals, errors,
 * chunks out of range, a wrong cookie, a connection cut mid-reply).
 */
@Timeout(60)
class NbdClientTest {
  private static final long MIB = 1 << 20;
  @TempDir Path dir;

  @Test
  void readsWhatQemuNbdServesAndItsAllocation() throws Exception {
    Path image = dir.resolve("disk.qcow2");
    Commands.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "4M"));
    Commands.run(List.of("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 64k", image.toString()));
    try (QemuNbdServer server =
            QemuNbdServer.start(image, DiskFormat.QCOW2, QemuLimits.forConvert());
        NbdClient nbd = server.client()) {
      assertThat(nbd.size()).isEqualTo(4 * MIB);

      List<NbdClient.Extent> extents = nbd.blockStatus(0, (int) (4 * MIB));
      assertThat(extents).isNotEmpty();
      long at = 0;
      for (NbdClient.Extent e : extents) {
        boolean data = at >= MIB && at < MIB + (64 << 10);
        assertThat(e.readsAsZero()).as("extent at %d", at).isEqualTo(!data);
        at += e.length();
      }
      assertThat(at).isBetween(MIB + (64 << 10), 4 * MIB);

      ByteBuffer buf = ByteBuffer.allocate(128 << 10);
      nbd.read(MIB - (32 << 10), buf);
      assertThat(buf.position()).isEqualTo(buf.limit());
      for (int i = 0; i < buf.capacity(); i++) {
        byte want = i >= (32 << 10) && i < (96 << 10) ? (byte) 0x5a : 0;
        assertThat(buf.get(i)).as("byte %d", i).isEqualTo(want);
      }
    }
  }

  @Test
  void aServerThatIsNotNbdIsRefused() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir, ch -> write(ch, ByteBuffer.wrap("HTTP/1.1 400 Bad\r\n\r\n".getBytes())))) {
      assertThatThrownBy(s::handshake)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not an NBD newstyle server");
    }
  }

  @Test
  void aServerWithoutFixedNewstyleIsRefused() throws Exception {
    try (FakeServer s = new FakeServer(dir, ch -> greet(ch, 0))) {
      assertThatThrownBy(s::handshake)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("lacks fixed newstyle");
    }
  }

  @Test
  void aServerThatRefusesStructuredRepliesSaysWhy() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              greet(ch, 3);
              read(ch, 4);
              readOption(ch);
              optionReply(
                  ch,
                  OPT_STRUCTURED_REPLY,
                  0x80000001,
                  "structured replies unsupported".getBytes());
            })) {
      assertThatThrownBy(s::handshake)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("refused (0x80000001)")
          .hasMessageContaining("structured replies unsupported");
    }
  }

  @Test
  void aServerWithoutBaseAllocationIsRefused() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              greet(ch, 3);
              read(ch, 4);
              readOption(ch);
              optionReply(ch, OPT_STRUCTURED_REPLY, REP_ACK, new byte[0]);
              readOption(ch);
              optionReply(ch, OPT_SET_META_CONTEXT, REP_ACK, new byte[0]); // no context offered
            })) {
      assertThatThrownBy(s::handshake)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("base:allocation");
    }
  }

  @Test
  void dataAndHoleChunksLandWhereTheySay() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8);
              long cookie = readRequest(ch).getLong(8);
              chunk(
                  ch,
                  0,
                  CHUNK_OFFSET_DATA,
                  cookie,
                  ByteBuffer.allocate(12).putLong(4).put("abcd".getBytes()).array());
              chunk(
                  ch,
                  CHUNK_DONE,
                  CHUNK_OFFSET_HOLE,
                  cookie,
                  ByteBuffer.allocate(12).putLong(0).putInt(4).array());
            })) {
      NbdClient nbd = s.handshake();
      ByteBuffer dst = ByteBuffer.allocate(8);
      dst.put(0, new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
      nbd.read(0, dst);
      assertThat(dst.array()).containsExactly(0, 0, 0, 0, 'a', 'b', 'c', 'd');
      assertThat(dst.remaining()).isZero();
    }
  }

  @Test
  void blockStatusKeepsOnlyTheAllocationContext() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8 * MIB);
              long cookie = readRequest(ch).getLong(8);
              chunk(
                  ch,
                  0,
                  CHUNK_BLOCK_STATUS,
                  cookie,
                  ByteBuffer.allocate(12).putInt(99).putInt(4096).putInt(0).array());
              chunk(
                  ch,
                  CHUNK_DONE,
                  CHUNK_BLOCK_STATUS,
                  cookie,
                  ByteBuffer.allocate(20)
                      .putInt(CONTEXT)
                      .putInt(4096)
                      .putInt(0)
                      .putInt(8192)
                      .putInt(3)
                      .array());
            })) {
      List<NbdClient.Extent> extents = s.handshake().blockStatus(0, 12288);
      assertThat(extents)
          .containsExactly(new NbdClient.Extent(4096, 0), new NbdClient.Extent(8192, 3));
      assertThat(extents.get(1).readsAsZero()).isTrue();
    }
  }

  @Test
  void anErrorChunkFailsTheReadWithTheServersMessage() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8);
              long cookie = readRequest(ch).getLong(8);
              byte[] msg = "Input/output error".getBytes(StandardCharsets.UTF_8);
              chunk(
                  ch,
                  CHUNK_DONE,
                  (1 << 15) | 1,
                  cookie,
                  ByteBuffer.allocate(6 + msg.length)
                      .putInt(5)
                      .putShort((short) msg.length)
                      .put(msg)
                      .array());
            })) {
      NbdClient nbd = s.handshake();
      assertThatThrownBy(() -> nbd.read(0, ByteBuffer.allocate(8)))
          .isInstanceOf(IOException.class)
          .hasMessage("NBD error 5: Input/output error");
    }
  }

  @Test
  void aChunkOutsideTheRequestIsRefused() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 64);
              long cookie = readRequest(ch).getLong(8);
              chunk(
                  ch,
                  CHUNK_DONE,
                  CHUNK_OFFSET_DATA,
                  cookie,
                  ByteBuffer.allocate(12).putLong(6).put("abcd".getBytes()).array());
            })) {
      NbdClient nbd = s.handshake();
      assertThatThrownBy(() -> nbd.read(0, ByteBuffer.allocate(8)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("outside the requested range");
    }
  }

  @Test
  void aReplyForAnotherRequestIsRefused() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8);
              long cookie = readRequest(ch).getLong(8);
              chunk(ch, CHUNK_DONE, 0, cookie + 7, new byte[0]);
            })) {
      NbdClient nbd = s.handshake();
      assertThatThrownBy(() -> nbd.read(0, ByteBuffer.allocate(8)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("expected");
    }
  }

  @Test
  void aSimpleErrorReplyFailsTheRead() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8);
              long cookie = readRequest(ch).getLong(8);
              write(
                  ch, ByteBuffer.allocate(16).putInt(0x67446698).putInt(22).putLong(cookie).flip());
            })) {
      NbdClient nbd = s.handshake();
      assertThatThrownBy(() -> nbd.read(0, ByteBuffer.allocate(8)))
          .isInstanceOf(IOException.class)
          .hasMessage("NBD error 22");
    }
  }

  @Test
  void aConnectionCutMidReplyIsAnEof() throws Exception {
    try (FakeServer s =
        new FakeServer(
            dir,
            ch -> {
              handshake(ch, 8);
              readRequest(ch);
              write(ch, ByteBuffer.allocate(6).putInt(0x668e33ef).putShort((short) 0).flip());
            })) {
      NbdClient nbd = s.handshake();
      assertThatThrownBy(() -> nbd.read(0, ByteBuffer.allocate(8)))
          .isInstanceOf(EOFException.class);
    }
  }

  // --- the scripted server --------------------------------------------------------------------

  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454f5054L;
  private static final long OPT_REPLY_MAGIC = 0x0003e889045565a9L;
  private static final int OPT_GO = 7;
  private static final int OPT_STRUCTURED_REPLY = 8;
  private static final int OPT_SET_META_CONTEXT = 10;
  private static final int REP_ACK = 1;
  private static final int REP_INFO = 3;
  private static final int REP_META_CONTEXT = 4;
  private static final int CHUNK_DONE = 1;
  private static final int CHUNK_OFFSET_DATA = 1;
  private static final int CHUNK_OFFSET_HOLE = 2;
  private static final int CHUNK_BLOCK_STATUS = 5;
  private static final int CONTEXT = 42;

  private interface Script {
    void run(SocketChannel ch) throws IOException;
  }

  /** Accepts one connection on a unix socket and plays its script on it. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Path socket;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private SocketChannel client;

    FakeServer(Path dir, Script script) throws IOException {
      socket = dir.resolve("nbd.sock");
      listener =
          ServerSocketChannel.open(StandardProtocolFamily.UNIX)
              .bind(UnixDomainSocketAddress.of(socket));
      thread =
          new Thread(
              () -> {
                try (SocketChannel ch = listener.accept()) {
                  script.run(ch);
                  ch.shutdownOutput();
                  ch.read(ByteBuffer.allocate(1 << 16)); // until the client hangs up
                } catch (IOException | RuntimeException e) {
                  failure.set(e);
                }
              },
              "fake-nbd");
      thread.setDaemon(true);
      thread.start();
    }

    NbdClient handshake() throws IOException {
      client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      return NbdClient.handshake(client);
    }

    @Override
    public void close() throws Exception {
      if (client != null) client.close();
      listener.close();
      thread.join(10_000);
    }
  }

  private static void greet(SocketChannel ch, int flags) throws IOException {
    write(
        ch,
        ByteBuffer.allocate(18).putLong(NBDMAGIC).putLong(IHAVEOPT).putShort((short) flags).flip());
  }

  /**
   * The whole option phase qemu-nbd plays: fixed newstyle, structured replies, base:allocation, go.
   */
  private static void handshake(SocketChannel ch, long size) throws IOException {
    greet(ch, 3);
    read(ch, 4); // the client's flags
    readOption(ch);
    optionReply(ch, OPT_STRUCTURED_REPLY, REP_ACK, new byte[0]);
    readOption(ch);
    byte[] name = "base:allocation".getBytes(StandardCharsets.US_ASCII);
    optionReply(
        ch,
        OPT_SET_META_CONTEXT,
        REP_META_CONTEXT,
        ByteBuffer.allocate(4 + name.length).putInt(CONTEXT).put(name).array());
    optionReply(ch, OPT_SET_META_CONTEXT, REP_ACK, new byte[0]);
    readOption(ch);
    optionReply(
        ch,
        OPT_GO,
        REP_INFO,
        ByteBuffer.allocate(12).putShort((short) 0).putLong(size).putShort((short) 1).array());
    optionReply(ch, OPT_GO, REP_ACK, new byte[0]);
  }

  private static int readOption(SocketChannel ch) throws IOException {
    ByteBuffer head = read(ch, 16);
    if (head.getLong() != IHAVEOPT) throw new IOException("not an option");
    int option = head.getInt();
    read(ch, head.getInt());
    return option;
  }

  private static void optionReply(SocketChannel ch, int option, int type, byte[] data)
      throws IOException {
    write(
        ch,
        ByteBuffer.allocate(20 + data.length)
            .putLong(OPT_REPLY_MAGIC)
            .putInt(option)
            .putInt(type)
            .putInt(data.length)
            .put(data)
            .flip());
  }

  private static ByteBuffer readRequest(SocketChannel ch) throws IOException {
    return read(ch, 28);
  }

  private static void chunk(SocketChannel ch, int flags, int type, long cookie, byte[] payload)
      throws IOException {
    write(
        ch,
        ByteBuffer.allocate(20 + payload.length)
            .putInt(0x668e33ef)
            .putShort((short) flags)
            .putShort((short) type)
            .putLong(cookie)
            .putInt(payload.length)
            .put(payload)
            .flip());
  }

  private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) throw new EOFException();
    }
    return b.flip();
  }

  private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }
}
