package io.cephflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import org.junit.jupiter.api.Test;

/** Which records the cluster listing hands to the classifier. */
class AuditRecordKindsTest {
  static ResourceRecord record(String kind) {
    String at = "2026-01-01T00:00:00Z";
    return new ResourceRecord(
        kind,
        "3f0c1d7e-0000-4000-8000-000000000001",
        State.AVAILABLE,
        "op@run",
        null,
        "sha",
        null,
        null,
        at,
        at);
  }

  @Test
  void everyKindCephflowKeepsIsListedTheRawCopyToo() {
    for (String kind :
        new String[] {"image", "volume", "snapshot", "server", ResourceRecord.RAW_COPY_KIND}) {
      assertThat(AuditActivitiesImpl.wellFormed(record(kind))).as(kind).isTrue();
    }
    assertThat(AuditActivitiesImpl.wellFormed(record("someone-elses"))).isFalse();
  }
}
