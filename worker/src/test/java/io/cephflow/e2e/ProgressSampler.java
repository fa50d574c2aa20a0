package io.cephflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code GET /operations/{id}} every ~100 ms until the operation ends, and checks on every
 * sample what must always hold: a running operation never shows an ended step; within one step
 * bytes done never run backwards and never pass a known total; a step that moved bytes never says
 * its total is 0; a completed operation ends at "done". What each step showed is kept for the test
 * to print (and, where certain, to assert).
 */
final class ProgressSampler {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What one step showed: samples, samples with bytes, the highest figures, whether one was in
   * flight.
   */
  static final class StepFigures {
    final String step;
    int samples;
    int withBytes;
    long maxDone = -1;
    final List<Long> totals = new ArrayList<>();
    boolean inFlight;
    final List<Long> distinctDone = new ArrayList<>();

    StepFigures(String step) {
      this.step = step;
    }

    @Override
    public String toString() {
      return String.format(
          "%-30s samples %3d, with bytes %3d, distinct done %3d, max done %,d, totals %s, in flight %s",
          step, samples, withBytes, distinctDone.size(), maxDone, totals, inFlight ? "yes" : "no");
    }
  }

  /** The figures of one operation, by step in the order first seen, and how it ended. */
  record Run(
      String operation,
      String status,
      String lastStep,
      Map<String, StepFigures> steps,
      long millis,
      int unanswered) {
    StepFigures step(String name) {
      return steps.get(name);
    }

    void print() {
      System.out.printf(
          "progress IT: %s ended %s at '%s' after %d ms (%d reads answered 5xx)%n",
          operation, status, lastStep, millis, unanswered);
      steps.values().forEach(s -> System.out.println("progress IT:   " + s));
    }
  }

  private ProgressSampler() {}

  /**
   * Samples the operation {@code path} (its 202's Location) to its end. {@code fullSize}: the size
   * of the image the flow copies or clones; a clone step must never show it as done.
   */
  static Run sample(CephflowStack stack, String path, long fullSize, Duration timeout)
      throws Exception {
    long t0 = System.nanoTime(), deadline = t0 + timeout.toNanos();
    Map<String, StepFigures> steps = new LinkedHashMap<>();
    String runStep = null;
    long runDone = -1;
    int unanswered = 0;
    JsonNode s;
    while (true) {
      var response = stack.get(path);
      if (response.statusCode() >= 500) { // Temporal busy for a moment: no reading, not a wrong one
        unanswered++;
        if (System.nanoTime() > deadline)
          throw new AssertionError("no answer after " + timeout + ": " + response.body());
        Thread.sleep(100);
        continue;
      }
      String body = response.body();
      s = JSON.readTree(body);
      String status = s.path("status").asText(), step = s.path("step").asText();
      assertThat(status).as(body).isNotEmpty();
      StepFigures f = steps.computeIfAbsent(step, StepFigures::new);
      f.samples++;
      if (status.equals("RUNNING")) {
        assertThat(step)
            .as("a running operation shows a running step: " + body)
            .isNotEqualTo("done")
            .doesNotStartWith("failed")
            .doesNotStartWith("canceled");
      }
      if (!step.equals(runStep)) {
        runStep = step;
        runDone = -1;
      }
      if (s.path("progress").isObject()) {
        long done = s.at("/progress/bytesDone").asLong(),
            total = s.at("/progress/bytesTotal").asLong();
        f.withBytes++;
        if (!f.totals.contains(total)) f.totals.add(total);
        if (!f.distinctDone.contains(done)) f.distinctDone.add(done);
        f.maxDone = Math.max(f.maxDone, done);
        if (status.equals("RUNNING")) {
          assertThat(done).as("bytes done of a running step: " + body).isGreaterThanOrEqualTo(0);
          assertThat(done)
              .as("within step '" + step + "' bytes done never decrease: " + body)
              .isGreaterThanOrEqualTo(runDone);
          runDone = done;
        }
        if (total >= 0)
          assertThat(done).as("bytes done within the total: " + body).isLessThanOrEqualTo(total);
        if (done > 0)
          assertThat(total)
              .as("a step that moved bytes has a total, known or -1: " + body)
              .isNotZero();
        if (done > 0 && total > done) f.inFlight = true;
        if (step.equals("clone") || step.startsWith("clone ")) {
          assertThat(done)
              .as("a clone moves no bytes; it never shows the image's size done: " + body)
              .isNotEqualTo(fullSize);
        }
      }
      if (!status.equals("RUNNING")) {
        if (status.equals("COMPLETED")) assertThat(step).as(body).isEqualTo("done");
        return new Run(
            path.substring(path.lastIndexOf('/') + 1),
            status,
            step,
            steps,
            (System.nanoTime() - t0) / 1_000_000,
            unanswered);
      }
      if (System.nanoTime() > deadline)
        throw new AssertionError("still running after " + timeout + ": " + body);
      Thread.sleep(100);
    }
  }
}
