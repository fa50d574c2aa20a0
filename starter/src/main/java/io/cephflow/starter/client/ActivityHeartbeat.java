package io.cephflow.starter.client;

import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.common.converter.DataConverter;
import java.util.List;
import java.util.Optional;

/**
 * What the running long step last heartbeat: {@code {done, total}} (total -1 while unknown), or
 * {@code {resumePoint, total, passDone, passTotal}} while it makes a preparatory pass (the export
 * of a non-raw image before converting it).
 */
record ActivityHeartbeat(long done, long total, boolean preparing) {
  static Optional<ActivityHeartbeat> of(List<PendingActivityInfo> pending) {
    for (PendingActivityInfo a : pending) {
      if (!a.hasHeartbeatDetails()) continue;
      try {
        long[] v =
            DataConverter.getDefaultInstance()
                .fromPayloads(0, Optional.of(a.getHeartbeatDetails()), long[].class, long[].class);
        if (v != null && v.length == 4) return Optional.of(new ActivityHeartbeat(v[2], v[3], true));
        if (v != null && v.length == 2)
          return Optional.of(new ActivityHeartbeat(v[0], v[1], false));
      } catch (RuntimeException ignored) {
        // details of another shape (a hypervisor call's state): no byte progress
      }
    }
    return Optional.empty();
  }
}
