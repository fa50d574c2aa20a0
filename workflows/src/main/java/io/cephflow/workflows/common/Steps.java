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
 * resource records, and RBD stat, list, protect, unprotect, snapshot removal, metadata, resize) run
 * as local activities: in the worker that runs the flow, inside its workflow task, so that a run of
 * them costs one workflow task instead of a round trip through the server each (docs/benchmarks.md,
 * "Flow overhead"). What makes an RBD object (create, clone, snapshot: {@link #MAKERS}), moves data
 * or can take long (write, convert, flatten, remove, the host's steps) is a normal activity.
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
 *   <li>a terminate does not stop a workflow task's local steps either: they run on until the
 *       task's completion is refused. So no local step makes anything (the {@link #MAKERS} are
 *       normal activities, never started for an ended flow), and the record steps are conditional
 *       writes that a delete taking the record over wins;
 *   <li>options, retries and non-retryable types come from the worker per type ({@code
 *       cephflow.activities}), as for the normal ones.
 * </ul>
 *
 * Flows recorded before this (change id {@value #CHANGE}) replay with the normal activities, those
 * of its version 1 with the makers local.
 */
public final class Steps {
  static final String CHANGE = "local-steps";

  /**
   * Version 2 of {@value #CHANGE}: the steps that make an RBD object (create, clone, snapshot) are
   * normal activities again; version 1 ran them locally too.
   */
  static final int MAKERS_REMOTE = 2;

  /**
   * The StorageActivities methods that make an RBD object. Since {@link #MAKERS_REMOTE} they are
   * normal activities: a workflow task keeps running its local steps after the flow was terminated
   * (the worker learns of it only when the task's completion is refused; temporalio/sdk-java#1563),
   * so a local clone could make a volume after the delete that followed the terminate had looked
   * for it, and nothing would ever remove it (LifecycleModelTest). A normal step is never started
   * for a flow that has ended; what the remaining local steps do after a terminate is either a
   * record change (conditional on the record's state, so a delete that took the record over wins)
   * or a change to an object that exists, which the delete removes by its name either way.
   */
  static final Set<String> MAKERS = Set.of("createImage", "createSnapshot", "cloneImage");

  /** The StorageActivities methods that run as local activities (version 2). */
  static final Set<String> LOCAL_STORAGE =
      Set.of(
          "removeSnapshot",
          "protectSnapshot",
          "unprotectSnapshot",
          "setMetadata",
          "replaceProvenance",
          "resizeImage",
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
    return of(
        StorageActivities.class,
        name -> LOCAL_STORAGE.contains(name) || MAKERS.contains(name) && version() < MAKERS_REMOTE);
  }

  /** The resource records: every change is one small conditional write, all local. */
  public static ResourceActivities records() {
    return of(ResourceActivities.class, name -> true);
  }

  /** Whether this flow runs its short steps locally (false in histories from before). */
  public static boolean local() {
    return version() != Workflow.DEFAULT_VERSION;
  }

  private static int version() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, MAKERS_REMOTE);
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
              if (!local() || !isLocal.test(method.getName())) return call(method, normal, args);
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
