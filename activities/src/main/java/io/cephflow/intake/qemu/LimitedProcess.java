package io.cephflow.intake.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a command under prlimit with a wall-clock deadline; never through a shell. */
final class LimitedProcess {

  private static final int MAX_CAPTURE = 1 << 20;
  private static final int SIGKILL_EXIT = 128 + 9;
  private static final int SIGXCPU_EXIT = 128 + 24;

  record Result(String stdout, String stderr) {}

  private LimitedProcess() {}

  /** prlimit sets the limits on itself and then execs the command, so the pid we hold is qemu's. */
  static List<String> wrap(QemuLimits limits, List<String> command) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "prlimit",
                "--as=" + limits.addressSpaceBytes(),
                "--cpu=" + limits.cpuSeconds(),
                "--core=0",
                "--"));
    argv.addAll(command);
    return argv;
  }

  static Result run(List<String> command, QemuLimits limits, Consumer<String> stdoutListener)
      throws IOException {
    Process p =
        new ProcessBuilder(wrap(limits, command))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    Drain out = Drain.start(p.getInputStream(), stdoutListener);
    return finish(p, command, limits, out);
  }

  /**
   * Like {@link #run} with stdout going to {@code stdoutFile} (for output too large to hold), at
   * most {@code maxBytes} of it (RLIMIT_FSIZE: the process is stopped by SIGXFSZ beyond).
   */
  static void runWritingTo(List<String> command, QemuLimits limits, Path stdoutFile, long maxBytes)
      throws IOException {
    List<String> argv = wrap(limits, command);
    argv.add(1, "--fsize=" + maxBytes);
    Process p =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(stdoutFile.toFile())
            .start();
    finish(p, command, limits, null);
  }

  private static Result finish(Process p, List<String> command, QemuLimits limits, Drain out)
      throws IOException {
    long deadline = System.nanoTime() + limits.wallTimeout().toNanos();
    p.getOutputStream().close();
    Drain err = Drain.start(p.getErrorStream(), null);
    try {
      // past the deadline is a timeout also when the process ended before we looked: a loaded
      // machine may not run this thread until after the exit, and the limit must not depend on it
      boolean ended = p.waitFor(limits.wallTimeout().toNanos(), TimeUnit.NANOSECONDS);
      if (!ended || System.nanoTime() - deadline > 0) {
        p.destroyForcibly().waitFor();
        throw new QemuProcessException(
            QemuProcessException.Kind.TIMED_OUT,
            command.get(0)
                + " exceeded "
                + limits.wallTimeout()
                + ": "
                + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + command.get(0), e);
    }
    String stdout = out == null ? "" : out.join();
    String stderr = err.join();
    int exit = p.exitValue();
    if (exit != 0) {
      throw failure(command.get(0), exit, stderr);
    }
    return new Result(stdout, stderr);
  }

  static QemuProcessException failure(String tool, int exit, String stderr) {
    String err = stderr.toLowerCase(java.util.Locale.ROOT);
    // RLIMIT_AS shows up as failed mallocs, mmaps or thread creations, often followed by abort()
    boolean limit =
        exit == SIGXCPU_EXIT
            || exit == SIGKILL_EXIT
            || err.contains("cannot allocate memory")
            || err.contains("failed to allocate")
            || err.contains("resource temporarily unavailable");
    return new QemuProcessException(
        limit ? QemuProcessException.Kind.LIMIT_EXCEEDED : QemuProcessException.Kind.FAILED,
        tool + " exited " + exit + ": " + stderr.strip());
  }

  /** Reads a stream on its own thread so a full pipe never blocks the child. */
  static final class Drain {
    private final Thread thread;
    private final StringBuilder text = new StringBuilder();

    private Drain(InputStream in, Consumer<String> listener) {
      thread =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try (in) {
                  for (int n; (n = in.read(buf)) > 0; ) {
                    String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                    synchronized (text) {
                      if (text.length() < MAX_CAPTURE) {
                        text.append(s);
                      }
                    }
                    if (listener != null) {
                      listener.accept(s);
                    }
                  }
                } catch (IOException ignored) {
                  // the process went away; whatever was read is all there is
                }
              },
              "qemu-output");
      thread.setDaemon(true);
    }

    static Drain start(InputStream in, Consumer<String> listener) {
      Drain d = new Drain(in, listener);
      d.thread.start();
      return d;
    }

    String join() {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (text) {
        return text.toString();
      }
    }
  }
}
