package io.cephflow.workflows.testing;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.hypervisor.HypervisorActivities;
import io.cephflow.workflows.storage.StorageActivities;

/**
 * The host's pause + snapshot + resume step ({@link HypervisorActivities#snapshotWhilePaused}) over
 * a mocked hypervisor, made of the mock's own suspend and resume and the storage's snapshot, in the
 * order HypervisorActivitiesImpl runs them (its own test pins that): so the flows' tests verify
 * those calls and fail them one by one as before the step was one.
 */
public final class HostSnapshots {
  private HostSnapshots() {}

  public static void asTheHostDoes(HypervisorActivities hv, StorageActivities storage) {
    when(hv.snapshotWhilePaused(anyString(), any()))
        .thenAnswer(
            inv -> {
              String server = inv.getArgument(0);
              SnapRef snapshot = inv.getArgument(1);
              boolean paused = false;
              RuntimeException failed = null;
              try {
                paused = hv.suspendDomain(server);
                storage.createSnapshot(snapshot);
              } catch (RuntimeException e) {
                failed = e;
                throw e;
              } finally {
                try {
                  hv.resumeDomain(server);
                } catch (RuntimeException e) {
                  if (failed == null) throw e;
                }
              }
              return paused;
            });
  }
}
