package io.cephflow.workflows;

import io.cephflow.workflows.audit.AuditActivities;
import io.cephflow.workflows.audit.HostAuditActivities;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.storage.ConvertActivities;
import io.cephflow.workflows.storage.ImportActivities;
import io.cephflow.workflows.storage.ResourceActivities;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every activity interface the flows call, and the activity type names Temporal gives their
 * methods. Configuration that names activity types (per-type options, concurrency limits) is
 * checked against these names at start-up, so renaming a method cannot silently drop its settings
 * (a 12-hour timeout falling back to 5 minutes, say).
 */
public final class ActivityTypes {
  public static final List<Class<?>> INTERFACES =
      List.of(
          StorageActivities.class,
          ImportActivities.class,
          ConvertActivities.class,
          ResourceActivities.class,
          HypervisorActivities.class,
          AuditActivities.class,
          HostAuditActivities.class);

  private ActivityTypes() {}

  /** The type names, as Temporal names them (the method name with an upper-case first letter). */
  public static Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (Class<?> i : INTERFACES) {
      for (POJOActivityMethodMetadata m :
          POJOActivityInterfaceMetadata.newInstance(i).getMethodsMetadata()) {
        out.add(m.getActivityTypeName());
      }
    }
    return out;
  }

  /**
   * Fails, naming them and where they were configured, when {@code configured} holds unknown types.
   */
  public static void requireKnown(String where, Collection<String> configured) {
    Set<String> known = names();
    Set<String> unknown = new TreeSet<>(configured);
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          where + " names activity types no flow has: " + unknown + "; the types are " + known);
    }
  }
}
