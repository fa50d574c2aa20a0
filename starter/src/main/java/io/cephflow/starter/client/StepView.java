package io.cephflow.starter.client;

import io.cephflow.workflows.common.OperationProgress;
import java.util.Optional;

/**
 * The step and bytes an operation shows, made to agree with its status: a running step's bytes are
 * its activity's latest heartbeat (total -1 while unknown, never 0 for "unknown"); a step that
 * moves no data shows none; an ended operation shows where it ended; a running one never shows a
 * final step.
 */
record StepView(String step, OperationStatus.Progress progress) {
  static boolean ended(String step) {
    return step != null
        && (step.equals("done") || step.startsWith("failed") || step.startsWith("canceled"));
  }

  static StepView of(String status, OperationProgress flow, Optional<ActivityHeartbeat> beat) {
    String step = flow == null ? null : flow.step();
    OperationStatus.Progress bytes = null;
    if (status.equals("RUNNING") && beat.isPresent()) {
      ActivityHeartbeat b = beat.get();
      bytes = new OperationStatus.Progress(b.done(), b.total() >= 0 ? b.total() : -1);
      if (b.preparing() && step != null) step = step + " (export)";
    } else if (status.equals("RUNNING") && flow != null && flow.bytesDone() == 0) {
      // a data step with no heartbeat to read (not started yet, or just ended and not yet seen
      // by the flow): no figure rather than a 0 that would run backwards
      bytes = null;
    } else if (flow != null && (flow.bytesDone() != 0 || flow.bytesTotal() != 0)) {
      bytes = new OperationStatus.Progress(flow.bytesDone(), flow.bytesTotal());
    }
    if (status.equals("RUNNING") && ended(step)) step = "finishing";
    if (!status.equals("RUNNING") && !ended(step)) {
      // terminated, timed out, or ended without a last query answer: say where it was
      String where = step == null ? "" : " at " + step;
      step =
          switch (status) {
            case "COMPLETED" -> "done";
            case "CANCELED" -> "canceled" + where;
            default -> status.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + where;
          };
    }
    return new StepView(step, bytes);
  }
}
