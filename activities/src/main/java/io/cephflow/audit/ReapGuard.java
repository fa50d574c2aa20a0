package io.cephflow.audit;

import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.workflows.audit.Finding;
import io.cephflow.workflows.common.ResourceRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * The check right before a removal: the resource's record must still be what the audit saw (the
 * same {@code updatedAt}, or still none). A flow that claimed, settled or deleted the resource
 * since then changed it, and the object is left alone.
 */
final class ReapGuard {
  static final String CHANGED = "skipped: its record changed since the audit";
  private final RecordStore records;

  ReapGuard(RecordStore records) {
    this.records = records;
  }

  /** Null when the removal may go ahead; else why not. */
  String refusal(Finding f) {
    if (f.resource() == null) return null;
    Optional<ResourceRecord> now = current(f.resource());
    String version = now.map(ResourceRecord::updatedAt).orElse(null);
    return Objects.equals(version, f.recordVersion()) ? null : CHANGED;
  }

  Optional<ResourceRecord> current(String resource) {
    int colon = resource.indexOf(':');
    String kind = resource.substring(0, colon);
    String id = resource.substring(colon + 1);
    return records.read(ResourceRecord.pool(kind), RecordJson.key(kind, id)).map(RecordJson::parse);
  }
}
