package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A `temporal server start-dev` of a test's own, with SQLite state in {@code db}, that the test
 * kills and starts again on the same port and file (the shared one of dev/test is never touched).
 */
final class TemporalDevServer implements AutoCloseable {
  private final int port;
  private final Path db;
  private final Path log;
  private Process process;

  TemporalDevServer(int port, Path db) {
    this.port = port;
    this.db = db;
    this.log = db.resolveSibling("temporal-server.log");
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  /** Starts the server and waits until its frontend answers for the default namespace. */
  TemporalDevServer start() throws Exception {
    process =
        new ProcessBuilder(
                List.of(
                    "temporal",
                    "server",
                    "start-dev",
                    "--ip",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--ui-port",
                    String.valueOf(FaultIts.freePort()),
                    "--headless",
                    "--db-filename",
                    db.toString(),
                    "--log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!answers()) {
      assertThat(process.isAlive()).as("temporal server exited; see %s", log).isTrue();
      assertThat(System.nanoTime())
          .as("temporal server did not answer; see %s", log)
          .isLessThan(deadline);
      Thread.sleep(300);
    }
    return this;
  }

  private boolean answers() throws Exception {
    Process p =
        new ProcessBuilder(
                "temporal",
                "operator",
                "namespace",
                "describe",
                "--address",
                target(),
                "--namespace",
                "default")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /** SIGKILL, as a crash or an OOM kill does: whatever SQLite had committed is all that is left. */
  void kill() throws InterruptedException {
    if (process == null) return;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor();
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
