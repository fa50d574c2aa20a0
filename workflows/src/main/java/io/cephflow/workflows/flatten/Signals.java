package io.cephflow.workflows.flatten;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;

/** Signals to other workflows (workflow code), whose target may have ended. */
final class Signals {
  /** The SDK reports a signal to a closed or unknown execution as a failure of this type. */
  static final String NOT_FOUND =
      "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND";

  private Signals() {}

  /** Sends it; false when the target execution is not running. */
  static boolean delivered(Runnable signal) {
    try {
      signal.run();
      return true;
    } catch (SignalExternalWorkflowException e) {
      return false;
    } catch (ApplicationFailure e) {
      if (NOT_FOUND.equals(e.getType())) return false;
      throw e;
    }
  }
}
