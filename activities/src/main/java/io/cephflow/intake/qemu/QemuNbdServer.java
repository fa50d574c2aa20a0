package io.cephflow.intake.qemu;

import io.cephflow.intake.format.DiskFormat;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A read-only qemu-nbd child serving one image on a unix socket in a private directory. The child
 * is ours (no --fork), lives under prlimit, and dies with {@link #close()} or its deadline.
 */
final class QemuNbdServer implements AutoCloseable {

  private static final long SOCKET_WAIT_MS = 10_000;
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "qemu-nbd-deadline");
            t.setDaemon(true);
            return t;
          });

  private final Process process;

  /** Per process, so a leak check looks at this process's directories only. */
  static final String SOCKET_DIR_PREFIX = "cephflow-nbd-" + ProcessHandle.current().pid() + "-";

  private final Path dir;
  private final Path socket;
  private final LimitedProcess.Drain stderr;
  private final ScheduledFuture<?> deadline;
  private volatile boolean timedOut;

  private QemuNbdServer(
      Process process, Path dir, Path socket, LimitedProcess.Drain stderr, QemuLimits limits) {
    this.process = process;
    this.dir = dir;
    this.socket = socket;
    this.stderr = stderr;
    this.deadline =
        DEADLINES.schedule(this::expire, limits.wallTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  static QemuNbdServer start(Path image, DiskFormat format, QemuLimits limits) throws IOException {
    Path dir =
        Files.createTempDirectory(
            SOCKET_DIR_PREFIX,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path socket = dir.resolve("s");
    Process p;
    try {
      p =
          new ProcessBuilder(
                  LimitedProcess.wrap(
                      limits,
                      List.of(
                          "qemu-nbd",
                          "--read-only",
                          "--shared=1",
                          "--socket=" + socket,
                          "--image-opts",
                          ImageOpts.of(image, format))))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      deleteQuietly(dir);
      throw e;
    }
    QemuNbdServer server =
        new QemuNbdServer(
            p, dir, socket, LimitedProcess.Drain.start(p.getErrorStream(), null), limits);
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Waits until qemu-nbd accepts, then connects; fails fast if it exits instead. The socket file
   * appears at bind(), before listen(): a refused connect in between is retried.
   */
  SocketChannel connect() throws IOException {
    long until = System.currentTimeMillis() + SOCKET_WAIT_MS;
    while (true) {
      if (Files.exists(socket)) {
        try {
          return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (java.net.ConnectException notListeningYet) {
          // fall through to wait
        }
      }
      if (!process.isAlive()) {
        throw failure();
      }
      if (System.currentTimeMillis() > until) {
        throw new QemuProcessException(
            QemuProcessException.Kind.TIMED_OUT, "qemu-nbd never opened its socket");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting qemu-nbd", e);
      }
    }
  }

  /**
   * Connects and completes the NBD handshake. On failure the connection is closed and the error
   * explained by what happened to the process; the server stays for its owner to close.
   */
  NbdClient client() throws IOException {
    SocketChannel channel = null;
    try {
      channel = connect();
      return NbdClient.handshake(channel);
    } catch (IOException e) {
      closeQuietly(channel);
      throw explain(e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // the process is being stopped anyway
    }
  }

  /** Explains a broken connection by what happened to the process, when it is dead. */
  IOException explain(IOException cause) {
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        return cause;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return cause;
    }
    IOException why = failure();
    why.addSuppressed(cause);
    return why;
  }

  private IOException failure() {
    if (timedOut) {
      return new QemuProcessException(
          QemuProcessException.Kind.TIMED_OUT, "qemu-nbd killed at its deadline");
    }
    int exit = process.isAlive() ? -1 : process.exitValue();
    return LimitedProcess.failure("qemu-nbd", exit, stderr.join());
  }

  private void expire() {
    timedOut = true;
    process.destroyForcibly();
  }

  @Override
  public void close() {
    deadline.cancel(false);
    try {
      process.destroy();
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      deleteQuietly(socket);
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a leftover empty private directory in tmp is harmless
    }
  }
}
