package io.cephflow.intake;

import io.cephflow.fixture.Commands;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds test images at test time with the real qemu-img and byte edits. */
public final class Corpus {

  /** Where the sparse source image has random data: offset, length. */
  public static final long[][] DATA = {{0, 1 << 20}, {5L << 20, 512 << 10}, {20L << 20, 2 << 20}};

  public static final long SOURCE_SIZE = 32L << 20;

  private final Path dir;

  public Corpus(Path dir) {
    this.dir = dir;
  }

  public Path path(String name) {
    return dir.resolve(name);
  }

  /** 32 MiB sparse raw: 3.5 MiB of random data, 1 MiB of written zeros, the rest holes. */
  public Path sparseRaw(String name) throws IOException {
    Path p = path(name);
    Random rnd = new Random(42);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(SOURCE_SIZE);
      for (long[] d : DATA) {
        byte[] b = new byte[(int) d[1]];
        rnd.nextBytes(b);
        f.seek(d[0]);
        f.write(b);
      }
      f.seek(10L << 20);
      f.write(new byte[1 << 20]);
    }
    return p;
  }

  public static long dataBytes() {
    long n = 0;
    for (long[] d : DATA) {
      n += d[1];
    }
    return n;
  }

  /** qemu-img create -q -f FMT [opts...] NAME SIZE, in this directory. */
  public Path create(String format, String name, String size, String... opts) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", format));
    cmd.addAll(List.of(opts));
    cmd.add(path(name).toString());
    cmd.add(size);
    run(cmd);
    return path(name);
  }

  /** qemu-img convert -f raw SRC -O FMT [opts...] NAME. */
  public Path convert(Path raw, String format, String name, String... opts) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "convert", "-f", "raw", "-O", format));
    cmd.addAll(List.of(opts));
    cmd.add(raw.toString());
    cmd.add(path(name).toString());
    run(cmd);
    return path(name);
  }

  /**
   * A LUKS1 container of {@code size} bytes: a well-formed phdr (aes/xts-plain64/sha256, 64-byte
   * key, payload at sector 4096, key slot 0 active) followed by random bytes. Written here rather
   * than by {@code qemu-img create -f luks}: qemu's PBKDF2 benchmark measures a few milliseconds of
   * thread CPU time, which the tick-sampled clock of these VMs often reads as 0, and it then fails
   * with "Unable to get accurate CPU usage" — five tries in a row on one CI machine.
   */
  public Path luks1(String name, long size) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
    Random rnd = new Random(7);
    h.put(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe}).putShort((short) 1);
    h.put(field("aes", 32)).put(field("xts-plain64", 32)).put(field("sha256", 32));
    h.putInt(4096).putInt(64);
    h.put(random(rnd, 20)).put(random(rnd, 32)).putInt(1000);
    h.put(field("6f1bf5a4-1f0c-4f6e-9a34-1b2c3d4e5f60", 40));
    for (int slot = 0; slot < 8; slot++) {
      h.putInt(slot == 0 ? 0x00AC71F3 : 0x0000DEAD).putInt(slot == 0 ? 1000 : 0);
      h.put(slot == 0 ? random(rnd, 32) : new byte[32]);
      h.putInt(8 + slot * 512).putInt(4000);
    }
    Path p = path(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      f.write(h.array());
      f.write(random(rnd, (int) Math.min(size - 4096, 1 << 20)));
    }
    return p;
  }

  private static byte[] field(String s, int len) {
    byte[] b = new byte[len];
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, 0, v.length);
    return b;
  }

  private static byte[] random(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Runs a fixture command ({@link Commands#run(List)}); its output is the failure's message. */
  public static void run(List<String> cmd) {
    Commands.run(cmd);
  }

  public static void patch(Path file, long offset, byte[] bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(bytes);
    }
  }

  public static void orByte(Path file, long offset, int mask) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b | mask);
    }
  }

  public static void andByte(Path file, long offset, int mask) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b & mask);
    }
  }

  public static void putLongBE(Path file, long offset, long value) throws IOException {
    patch(file, offset, ByteBuffer.allocate(8).putLong(value).array());
  }

  public static void truncate(Path file, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  /** Rewrites the descriptor embedded in a sparse VMDK, zero-padded to its reserved space. */
  public static void editVmdkDescriptor(Path vmdk, String from, String to) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(vmdk.toFile(), "rw")) {
      byte[] head = new byte[512];
      f.readFully(head);
      ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
      long offset = h.getLong(28) * 512;
      int size = (int) (h.getLong(36) * 512);
      byte[] d = new byte[size];
      f.seek(offset);
      f.readFully(d);
      String text = new String(d, StandardCharsets.ISO_8859_1);
      int nul = text.indexOf('\0');
      text = (nul >= 0 ? text.substring(0, nul) : text);
      if (!text.contains(from)) {
        throw new IllegalStateException("descriptor lacks " + from + ":\n" + text);
      }
      byte[] edited = text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
      byte[] out = new byte[size];
      System.arraycopy(edited, 0, out, 0, edited.length);
      f.seek(offset);
      f.write(out);
    }
  }

  public static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Leftovers a finished intake call must never leave: nbd temp dirs and child processes. */
  public static List<String> leftovers() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      String pid = "-" + ProcessHandle.current().pid() + "-";
      s.filter(
              p ->
                  p.getFileName().toString().startsWith("cephflow-nbd" + pid)
                      || p.getFileName().toString().startsWith("cephflow-map" + pid))
          .forEach(p -> found.add(p.toString()));
    }
    ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .forEach(ph -> found.add("pid " + ph.pid() + " " + ph.info().command().orElse("?")));
    return found;
  }
}
