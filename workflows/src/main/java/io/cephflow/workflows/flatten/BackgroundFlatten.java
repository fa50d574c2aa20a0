package io.cephflow.workflows.flatten;

import io.temporal.workflow.Workflow;

/**
 * The change that moved flattens out of the flows into the manager: an image from a server is
 * flattened in the background, deletes hand their dependents' flattens to it and wait for pending
 * ones. Flows started before it replay as they ran.
 */
public final class BackgroundFlatten {
  public static final String CHANGE = "flatten-manager";

  private BackgroundFlatten() {}

  public static boolean enabled() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }
}
