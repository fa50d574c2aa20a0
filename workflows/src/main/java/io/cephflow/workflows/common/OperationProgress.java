package io.cephflow.workflows.common;

/**
 * What a workflow reports through its progress query: the step and, when the step moves data, bytes
 * done of total ({@code 0, 0}: a step that moves none; a running step's own bytes come from its
 * activity's heartbeat). An operation that fails or is canceled keeps where it stopped: {@code
 * compensating after write}, then {@code failed at write}, with the bytes it had reached ({@code
 * -1}: a step that moved data and stopped part way, how far unknown to the flow).
 */
public record OperationProgress(String step, long bytesDone, long bytesTotal) {
  private static final String COMPENSATING = "compensating after ";

  public static OperationProgress at(String step) {
    return new OperationProgress(step, 0, 0);
  }

  /** {@code outcome} ("compensating", "failed" or "canceled") of the step this progress was at. */
  public OperationProgress ending(String outcome) {
    String at = step.startsWith(COMPENSATING) ? step.substring(COMPENSATING.length()) : step;
    String now = outcome.equals("compensating") ? COMPENSATING + at : outcome + " at " + at;
    // a data step that ended early: how far its activity got is not known here (not 0)
    long done = bytesDone == 0 && bytesTotal != 0 ? -1 : bytesDone;
    return new OperationProgress(now, done, bytesTotal);
  }
}
