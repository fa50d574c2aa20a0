package io.cephflow.starter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * Follows an operation to its end (GET /api/v1/operations/{id}?waitSeconds=1, the API's long poll,
 * again and again: the end is seen as it happens, the progress every second): a live bar on stderr
 * when it is a terminal, a plain line on each change of step and every 10 s when it is not. Ctrl-C
 * detaches (exit 130) and says how to watch or cancel; the operation goes on. An API that stops
 * answering for a while (a restart) is waited for, up to 30 s.
 */
final class Waiter {
  private static final long LINE_EVERY_NANOS = 10_000_000_000L;
  private static final long OUTAGE_NANOS = 30_000_000_000L;

  /** Seconds each read waits for the operation's end ({@code ?waitSeconds}); 0: poll instead. */
  static final int LONG_POLL = 1;

  /** {@code --wait} and {@code --timeout}, on every command that starts a flow (a mixin). */
  static final class Options {
    @Option(
        names = "--wait",
        order = 50,
        description =
            "follow the operation to its end: a progress bar on a terminal, a line per step otherwise; "
                + "Ctrl-C detaches (exit 130) and the operation goes on")
    boolean wait;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        order = 51,
        description =
            "with --wait: give up waiting after this long (exit 8; the operation goes on)")
    Long timeout;

    void check(picocli.CommandLine.Model.CommandSpec spec) {
      if (timeout != null && !wait) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--timeout goes with --wait");
      }
      checkTimeout(spec, timeout);
    }
  }

  static void checkTimeout(picocli.CommandLine.Model.CommandSpec spec, Long timeout) {
    if (timeout != null && timeout < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--timeout must be at least 1 second, got " + timeout);
    }
  }

  private final Api api;
  private final Cli.Context ctx;

  Waiter(Api api, Cli.Context ctx) {
    this.api = api;
    this.ctx = ctx;
  }

  /**
   * The operation once it has ended; a {@link CliException} (exit 8) when {@code timeoutSeconds}
   * pass first.
   */
  JsonNode await(String id, Long timeoutSeconds) {
    PrintStream err = ctx.err();
    long start = System.nanoTime();
    long deadline =
        timeoutSeconds == null ? Long.MAX_VALUE : start + timeoutSeconds * 1_000_000_000L;
    Progress progress = new Progress();
    java.util.concurrent.atomic.AtomicBoolean detaching =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread detach =
        new Thread(
            () -> {
              detaching.set(true);
              if (ctx.ttyErr()) err.print("\r\033[K");
              err.println();
              err.println("cephflow: detached from " + id + "; it goes on.");
              err.println("  watch it:  cephflow operation wait " + id);
              err.println("  cancel it: cephflow operation cancel " + id);
              err.flush();
            });
    Runtime.getRuntime().addShutdownHook(detach);
    boolean barShown = false;
    try {
      String lastStep = null;
      long lastLine = 0;
      long lastAnswer = start;
      boolean polled = false;
      while (true) {
        JsonNode op;
        long now = System.nanoTime();
        try {
          // after the first read, the API's long poll: it answers as soon as the operation ends
          // (no second of polling lost at the end), else after a second with its progress
          op = api.get("/api/v1/operations/" + id + (polled ? "?waitSeconds=" + LONG_POLL : ""));
          polled = true;
          lastAnswer = now;
        } catch (CliException e) {
          if (e.exitCode != ExitCodes.UNAVAILABLE || now - lastAnswer > OUTAGE_NANOS) throw e;
          if (!ctx.ttyErr())
            err.println(
                "cephflow: "
                    + id
                    + ": the API does not answer; trying again ("
                    + e.getMessage()
                    + ")");
          sleep();
          continue;
        }
        String status = op.path("status").asText("UNKNOWN");
        progress.update(op, now);
        if (!status.equals("RUNNING")) {
          if (barShown) err.print("\r\033[K");
          err.println(
              "cephflow: "
                  + id
                  + " "
                  + status
                  + " after "
                  + Progress.clock((now - start) / 1_000_000_000L)
                  + (op.hasNonNull("step") ? " (step " + op.get("step").asText() + ")" : ""));
          return op;
        }
        if (detaching.get()) {
          sleep();
          continue;
        }
        if (ctx.ttyErr()) {
          err.print("\r" + progress.bar(now, ctx.columns()) + "\033[K");
          err.flush();
          barShown = true;
        } else if (!progress.step().equals(lastStep) || now - lastLine >= LINE_EVERY_NANOS) {
          err.println("cephflow: " + id + " RUNNING " + progress.line());
          lastStep = progress.step();
          lastLine = now;
        }
        if (now >= deadline) {
          if (barShown) err.println();
          throw new CliException(
              ExitCodes.TIMED_OUT,
              id
                  + " is still RUNNING after "
                  + timeoutSeconds
                  + " s; it goes on."
                  + "\n  watch it:  cephflow operation wait "
                  + id
                  + "\n  cancel it: cephflow operation cancel "
                  + id);
        }
        if (LONG_POLL == 0) sleep(); // the long poll has waited already
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(detach);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook runs
      }
    }
  }

  private void sleep() {
    try {
      Thread.sleep(ctx.pollMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.DETACHED, "interrupted");
    }
  }

  /**
   * The exit code of an operation that has ended, its failure on stderr: what {@code operation
   * show} and every wait report.
   */
  static int report(Cli.Context ctx, JsonNode op) {
    String status = op.path("status").asText(null);
    String id = op.path("id").asText(op.path("operationId").asText("the operation"));
    JsonNode f = op.path("failure");
    if ("FAILED".equals(status) || "TERMINATED".equals(status) || "TIMED_OUT".equals(status)) {
      StringBuilder b = new StringBuilder("cephflow: ").append(id).append(' ').append(status);
      if (f.isObject()) {
        b.append(": ").append(f.path("type").asText("?"));
        if (f.hasNonNull("message")) b.append(": ").append(f.get("message").asText());
        for (JsonNode c : f.path("compensationFailures"))
          b.append("\n  not undone: ").append(c.asText());
      }
      ctx.err().println(b);
    } else if ("CANCELED".equals(status)) {
      ctx.err()
          .println(
              "cephflow: "
                  + id
                  + " was CANCELED"
                  + (f.isObject() && f.hasNonNull("message")
                      ? ": " + f.get("message").asText()
                      : ""));
    }
    return ExitCodes.forOperationStatus(status);
  }
}
