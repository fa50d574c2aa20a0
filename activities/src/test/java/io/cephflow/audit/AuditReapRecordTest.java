package io.cephflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.activities.ResourceActivitiesImpl;
import io.cephflow.ceph.RecordJson;
import io.cephflow.ceph.RecordStore;
import io.cephflow.model.InMemoryRecordStore;
import io.cephflow.workflows.audit.Category;
import io.cephflow.workflows.audit.Finding;
import io.cephflow.workflows.audit.Observed;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.storage.ResourceActivities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reap does to a dangling record: a tombstone, but a raw copy's is given back. */
class AuditReapRecordTest {
  static final String ID = "3f0c1d7e-0000-4000-8000-000000000002";
  static final String AT = "2026-01-01T00:00:00Z";
  final RecordStore store = new InMemoryRecordStore();
  final Clock clock = Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);
  final AuditActivitiesImpl audit =
      new AuditActivitiesImpl(
          null,
          null,
          store,
          op -> false,
          () -> 0,
          new AuditSettings(Duration.ZERO, List.of()),
          clock);

  ResourceRecord creating(String kind) {
    ResourceRecord r =
        new ResourceRecord(
            kind, ID, State.CREATING, "ended@run", "ended@run", "sha", null, null, AT, AT);
    store.create(ResourceRecord.pool(kind), RecordJson.key(kind, ID), RecordJson.write(r));
    return r;
  }

  static Finding dangling(ResourceRecord r) {
    Observed o =
        new Observed(
            Observed.RECORD,
            ResourceRecord.pool(r.kind()) + "/" + r.kind() + "." + ID,
            null,
            0L,
            "CREATING");
    return new Finding(Category.DANGLING_RECORD, o, r.name(), "ended@run", 0L, "ended", AT, null);
  }

  @Test
  void aDanglingRecordBecomesATombstoneButARawCopysIsRemovedSoTheNextBootConvertsAgain() {
    assertThat(audit.reapInCluster(dangling(creating("image")))).isEqualTo("marked deleted");
    assertThat(
            store.read("images", "image." + ID).map(RecordJson::parse).map(ResourceRecord::state))
        .contains(State.DELETED);

    // a conversion terminated after its claim
    assertThat(audit.reapInCluster(dangling(creating(ResourceRecord.RAW_COPY_KIND))))
        .isEqualTo("removed");
    assertThat(store.read("images", "rawcopy." + ID)).isEmpty();
    // the next boot's claim of the copy succeeds (against a tombstone it is refused: Conflict)
    var resources = new ResourceActivitiesImpl(store, clock, op -> false);
    assertThat(
            resources
                .claimCreate(
                    new ResourceActivities.Claim(
                        ResourceRecord.RAW_COPY_KIND,
                        ID,
                        "boot@run",
                        "convert " + ID,
                        "image:" + ID))
                .state())
        .isEqualTo(State.CREATING);
  }
}
