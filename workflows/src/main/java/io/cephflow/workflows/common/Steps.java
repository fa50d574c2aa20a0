package io.cephflow.workflows.common;

import io.cephflow.workflows.storage.ResourceActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.Workflow;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The activity stubs the flows call the storage side through. The short metadata steps (the
 * resource records, and RBD create, clone, snapshot, protect, metadata, stat, resize) run as local
 * activities: in the worker that runs the flow, inside its workflow task, so that a run of them
 * costs one workflow task instead of a round trip through the server each (a clone boot went from
 * 12 workflow tasks to 6; docs/benchmarks.md, "Flow overhead"). What moves data or can take long
 * (write, convert, flatten, remove, the host's steps) stays a normal activity, with heartbeats.
 *
 * <p>What keeps a local step safe:
 *
 * <ul>
 *   <li>a cancel never stops a local step: it runs in a detached scope (a local activity would be
 *       abandoned at once, and the undo could run while the step still runs: a clone finishing
 *       after its removal), and steps are not refused after a cancel either. A local step's result
 *       is durable only once its workflow task completes; a task that fails (its worker died, or
 *       the server refused its completion because the cancel arrived meanwhile) is run again from
 *       the last durable point, and must take the same path, so that every step the lost attempt
 *       ran is run again (each is idempotent) and has its undo registered. So with local steps the
 *       cancel is seen at the next normal step (which the SDK cancels) or at the flow's own checks
 *       before it settles ({@link Compensations#add} does not check, {@link Lifecycle#created}
 *       does), and everything done until then is undone;
 *   <li>options, retries and non-retryable types come from the worker per type ({@code
 *       cephflow.activities}), as for the normal ones.
 * </ul>
 *
 * Flows recorded before this (change id {@value #CHANGE}) replay with the normal activities.
 */
public final class Steps {
  static final String CHANGE = "local-steps";

  /** The StorageActivities methods that run as local activities. */
  static final Set<String> LOCAL_STORAGE =
      Set.of(
          "createImage",
          "createSnapshot",
          "removeSnapshot",
          "protectSnapshot",
          "unprotectSnapshot",
          "setMetadata",
          "replaceProvenance",
          "resizeImage",
          "cloneImage",
          "statImage",
          "listChildren",
          "listSnapshots");

  /**
   * What a worker that sets no local activity options (a unit test's) runs them with, the same as
   * {@link HostRouting#STEP}'s; a worker sets its own per type, which the SDK applies on top.
   */
  static final LocalActivityOptions FALLBACK =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(HostRouting.STEP.getStartToCloseTimeout())
          .setRetryOptions(HostRouting.STEP.getRetryOptions())
          .build();

  private Steps() {}

  /** The storage steps: the short ones local, the rest normal. */
  public static StorageActivities storage() {
    return of(StorageActivities.class, LOCAL_STORAGE::contains);
  }

  /** The resource records: every change is one small conditional write, all local. */
  public static ResourceActivities records() {
    return of(ResourceActivities.class, name -> true);
  }

  /** Whether this flow runs its short steps locally (false in histories from before). */
  public static boolean local() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  private static <T> T of(Class<T> type, java.util.function.Predicate<String> isLocal) {
    T normal = Workflow.newActivityStub(type);
    T near = Workflow.newLocalActivityStub(type, FALLBACK);
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) return method.invoke(normal, args);
              if (!isLocal.test(method.getName()) || !local()) return call(method, normal, args);
              Object[] result = new Object[1];
              Workflow.newDetachedCancellationScope(() -> result[0] = call(method, near, args))
                  .run();
              return result[0];
            }));
  }

  private static Object call(Method method, Object stub, Object[] args) {
    try {
      return method.invoke(stub, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
