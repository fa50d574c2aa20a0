package io.cephflow.intake.qemu;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal NBD client (fixed newstyle, structured replies, base:allocation) - just enough to read an
 * export that qemu-nbd serves on a unix socket. Not thread-safe; one request at a time. Protocol:
 * https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md
 */
final class NbdClient implements AutoCloseable {

  /** One block-status descriptor; flags are NBD_STATE_* bits. */
  record Extent(long length, int flags) {
    static final int HOLE = 1;
    static final int ZERO = 2;

    boolean readsAsZero() {
      return (flags & ZERO) != 0;
    }
  }

  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454f5054L;
  private static final long OPT_REPLY_MAGIC = 0x0003e889045565a9L;
  private static final int REQUEST_MAGIC = 0x25609513;
  private static final int SIMPLE_REPLY_MAGIC = 0x67446698;
  private static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

  private static final int FLAG_FIXED_NEWSTYLE = 1;
  private static final int FLAG_NO_ZEROES = 2;
  private static final int OPT_GO = 7;
  private static final int OPT_STRUCTURED_REPLY = 8;
  private static final int OPT_SET_META_CONTEXT = 10;
  private static final int REP_ACK = 1;
  private static final int REP_INFO = 3;
  private static final int REP_META_CONTEXT = 4;
  private static final int INFO_EXPORT = 0;
  private static final int CMD_READ = 0;
  private static final int CMD_DISC = 2;
  private static final int CMD_BLOCK_STATUS = 7;
  private static final int CHUNK_DONE = 1;
  private static final int CHUNK_NONE = 0;
  private static final int CHUNK_OFFSET_DATA = 1;
  private static final int CHUNK_OFFSET_HOLE = 2;
  private static final int CHUNK_BLOCK_STATUS = 5;
  private static final int CHUNK_ERROR_BIT = 1 << 15;
  private static final String BASE_ALLOCATION = "base:allocation";

  private final SocketChannel channel;
  private final long size;
  private final int allocationContext;
  private long nextCookie = 1;

  private NbdClient(SocketChannel channel, long size, int allocationContext) {
    this.channel = channel;
    this.size = size;
    this.allocationContext = allocationContext;
  }

  static NbdClient handshake(SocketChannel ch) throws IOException {
    ByteBuffer hello = readExactly(ch, 18);
    if (hello.getLong() != NBDMAGIC || hello.getLong() != IHAVEOPT) {
      throw new IOException("not an NBD newstyle server");
    }
    int serverFlags = Short.toUnsignedInt(hello.getShort());
    if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
      throw new IOException("NBD server lacks fixed newstyle");
    }
    writeAll(
        ch,
        ByteBuffer.allocate(4).putInt(FLAG_FIXED_NEWSTYLE | (serverFlags & FLAG_NO_ZEROES)).flip());

    sendOption(ch, OPT_STRUCTURED_REPLY, new byte[0]);
    expectAck(ch, OPT_STRUCTURED_REPLY);

    byte[] query = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer meta =
        ByteBuffer.allocate(4 + 4 + 4 + query.length)
            .putInt(0)
            .putInt(1)
            .putInt(query.length)
            .put(query);
    sendOption(ch, OPT_SET_META_CONTEXT, meta.array());
    int context = -1;
    for (OptionReply r = readOptionReply(ch, OPT_SET_META_CONTEXT);
        r.type != REP_ACK;
        r = readOptionReply(ch, OPT_SET_META_CONTEXT)) {
      if (r.type == REP_META_CONTEXT) {
        context = r.data.getInt(0);
      }
    }
    if (context < 0) {
      throw new IOException("NBD server does not offer " + BASE_ALLOCATION);
    }

    sendOption(ch, OPT_GO, ByteBuffer.allocate(6).putInt(0).putShort((short) 0).array());
    long exportSize = -1;
    for (OptionReply r = readOptionReply(ch, OPT_GO);
        r.type != REP_ACK;
        r = readOptionReply(ch, OPT_GO)) {
      if (r.type == REP_INFO && r.data.getShort(0) == INFO_EXPORT) {
        exportSize = r.data.getLong(2);
      }
    }
    if (exportSize < 0) {
      throw new IOException("NBD server sent no export size");
    }
    return new NbdClient(ch, exportSize, context);
  }

  long size() {
    return size;
  }

  /** Allocation status from {@code offset}; the server may describe less than {@code length}. */
  List<Extent> blockStatus(long offset, int length) throws IOException {
    long cookie = send(CMD_BLOCK_STATUS, offset, length);
    List<Extent> extents = new ArrayList<>();
    for (Chunk c = readChunk(cookie); ; c = readChunk(cookie)) {
      if (c.type == CHUNK_BLOCK_STATUS) {
        ByteBuffer p = readExactly(channel, c.length);
        if (p.getInt() == allocationContext) {
          while (p.remaining() >= 8) {
            extents.add(new Extent(Integer.toUnsignedLong(p.getInt()), p.getInt()));
          }
        }
      } else {
        skipOrFail(c);
      }
      if (c.done) {
        return extents;
      }
    }
  }

  /** Fills {@code dst} (position to limit) with the export's bytes at {@code offset}. */
  void read(long offset, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    int base = dst.position();
    long cookie = send(CMD_READ, offset, length);
    for (Chunk c = readChunk(cookie); ; c = readChunk(cookie)) {
      if (c.type == CHUNK_OFFSET_DATA) {
        long at = readExactly(channel, 8).getLong() - offset;
        int n = c.length - 8;
        checkRange(at, n, length);
        ByteBuffer slice = dst.duplicate().limit(base + (int) at + n).position(base + (int) at);
        readInto(channel, slice);
      } else if (c.type == CHUNK_OFFSET_HOLE) {
        ByteBuffer h = readExactly(channel, 12);
        long at = h.getLong() - offset;
        int n = h.getInt();
        checkRange(at, n, length);
        zero(dst, base + (int) at, n);
      } else {
        skipOrFail(c);
      }
      if (c.done) {
        dst.position(dst.limit());
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen()) {
        send(CMD_DISC, 0, 0);
      }
    } catch (IOException ignored) {
      // server already gone; closing the socket is all that is left
    } finally {
      channel.close();
    }
  }

  private long send(int type, long offset, int length) throws IOException {
    long cookie = nextCookie++;
    ByteBuffer req =
        ByteBuffer.allocate(28)
            .putInt(REQUEST_MAGIC)
            .putShort((short) 0)
            .putShort((short) type)
            .putLong(cookie)
            .putLong(offset)
            .putInt(length)
            .flip();
    writeAll(channel, req);
    return cookie;
  }

  private record Chunk(boolean done, int type, int length, int simpleError) {}

  private Chunk readChunk(long cookie) throws IOException {
    ByteBuffer head = readExactly(channel, 16);
    int magic = head.getInt();
    if (magic == SIMPLE_REPLY_MAGIC) {
      int error = head.getInt();
      checkCookie(head.getLong(), cookie);
      if (error != 0) {
        throw new IOException("NBD error " + error);
      }
      return new Chunk(true, CHUNK_NONE, 0, 0);
    }
    if (magic != STRUCTURED_REPLY_MAGIC) {
      throw new IOException("bad NBD reply magic 0x" + Integer.toHexString(magic));
    }
    int flags = Short.toUnsignedInt(head.getShort());
    int type = Short.toUnsignedInt(head.getShort());
    checkCookie(head.getLong(), cookie);
    int length = readExactly(channel, 4).getInt();
    if (length < 0) {
      throw new IOException("NBD chunk too long");
    }
    return new Chunk((flags & CHUNK_DONE) != 0, type, length, 0);
  }

  private void skipOrFail(Chunk c) throws IOException {
    ByteBuffer payload = readExactly(channel, c.length);
    if ((c.type & CHUNK_ERROR_BIT) != 0) {
      int error = payload.getInt();
      int msgLen = Short.toUnsignedInt(payload.getShort());
      byte[] msg = new byte[Math.min(msgLen, payload.remaining())];
      payload.get(msg);
      throw new IOException("NBD error " + error + ": " + new String(msg, StandardCharsets.UTF_8));
    }
  }

  private static void zero(ByteBuffer dst, int at, int n) {
    byte[] zeros = new byte[Math.min(n, 1 << 16)];
    for (int done = 0; done < n; done += zeros.length) {
      dst.put(at + done, zeros, 0, Math.min(zeros.length, n - done));
    }
  }

  private static void checkCookie(long got, long want) throws IOException {
    if (got != want) {
      throw new IOException("NBD reply for cookie " + got + ", expected " + want);
    }
  }

  private static void checkRange(long at, long n, int length) throws IOException {
    if (at < 0 || n < 0 || at + n > length) {
      throw new IOException("NBD chunk outside the requested range");
    }
  }

  private record OptionReply(int type, ByteBuffer data) {}

  private static void sendOption(SocketChannel ch, int option, byte[] data) throws IOException {
    writeAll(
        ch,
        ByteBuffer.allocate(16 + data.length)
            .putLong(IHAVEOPT)
            .putInt(option)
            .putInt(data.length)
            .put(data)
            .flip());
  }

  private static void expectAck(SocketChannel ch, int option) throws IOException {
    OptionReply r = readOptionReply(ch, option);
    if (r.type != REP_ACK) {
      throw new IOException("NBD option " + option + " answered with " + r.type);
    }
  }

  private static OptionReply readOptionReply(SocketChannel ch, int option) throws IOException {
    ByteBuffer head = readExactly(ch, 20);
    if (head.getLong() != OPT_REPLY_MAGIC || head.getInt() != option) {
      throw new IOException("bad NBD option reply");
    }
    int type = head.getInt();
    int length = head.getInt();
    if (length < 0 || length > (1 << 20)) {
      throw new IOException("NBD option reply of " + length + " bytes");
    }
    ByteBuffer data = readExactly(ch, length);
    if (type < 0) {
      throw new IOException(
          "NBD option "
              + option
              + " refused (0x"
              + Integer.toHexString(type)
              + "): "
              + StandardCharsets.UTF_8.decode(data));
    }
    return new OptionReply(type, data);
  }

  private static ByteBuffer readExactly(SocketChannel ch, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    readInto(ch, b);
    return b.flip();
  }

  private static void readInto(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("NBD server closed the connection");
      }
    }
  }

  private static void writeAll(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
