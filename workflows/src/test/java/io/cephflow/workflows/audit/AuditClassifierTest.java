package io.cephflow.workflows.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The owner rules and the classifier alone (no workflow): derived objects, trash, volume snapshots,
 * foreign names.
 */
class AuditClassifierTest {
  static final long NOW = 1_800_000_000L;
  final String image = UUID.randomUUID().toString();
  final String volume = UUID.randomUUID().toString();
  final String snap = UUID.randomUUID().toString();

  static ResourceRecord record(String kind, String id, State state, String madeFrom) {
    return new ResourceRecord(
        kind,
        id,
        state,
        "op@run",
        null,
        "sha",
        madeFrom,
        null,
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z");
  }

  static Observed ceph(String type, String name, String detail) {
    return new Observed(type, name, null, NOW - 100, detail);
  }

  static Map<String, Category> classify(List<Observed> objects, List<ResourceRecord> records) {
    var c =
        AuditClassifier.classify(
            new AuditClassifier.Input(objects, records, Set.of(), NOW, 0, true, Set.of()));
    return c.findings().stream()
        .collect(Collectors.toMap(f -> f.object().name(), Finding::category));
  }

  @Test
  void aCachedRawCopyIsOwnedByItsOwnRecordAndIsAnOrphanWithoutIt() {
    List<Observed> objects =
        List.of(
            ceph(Observed.IMAGE, "images/" + image + "_raw", null),
            ceph(Observed.SNAPSHOT, "images/" + image + "_raw@snap", null),
            ceph(Observed.IMAGE, "images/" + image, null),
            ceph(Observed.SNAPSHOT, "images/" + image + "@snap", null));
    // a settled copy and its record: nothing to report (the record is not dangling, the copy not an
    // orphan)
    assertThat(
            classify(
                    objects,
                    List.of(
                        record("image", image, State.AVAILABLE, null),
                        record(ResourceRecord.RAW_COPY_KIND, image, State.AVAILABLE, null)))
                .values())
        .containsOnly(Category.OWNED);
    // the copy's record tombstoned (its image deleted): the copy and its snapshot are orphans
    assertThat(
            classify(
                objects.subList(0, 2),
                List.of(
                    record("image", image, State.DELETED, null),
                    record(ResourceRecord.RAW_COPY_KIND, image, State.DELETED, null))))
        .containsEntry("images/" + image + "_raw", Category.ORPHAN)
        .containsEntry("images/" + image + "_raw@snap", Category.ORPHAN)
        .hasSize(2);
    // no record at all: an orphan; the copy's record without the copy: dangling
    assertThat(classify(objects.subList(0, 1), List.of()))
        .containsEntry("images/" + image + "_raw", Category.ORPHAN);
    assertThat(
            classify(
                List.of(),
                List.of(record(ResourceRecord.RAW_COPY_KIND, image, State.AVAILABLE, null))))
        .containsValue(Category.DANGLING_RECORD);
    assertThat(OwnerRules.ownerOf(objects.get(0)).orElseThrow().primary()).isTrue();
  }

  @Test
  void volumeSnapshotsTrashEntriesAndForeignNames() {
    List<Observed> objects =
        List.of(
            ceph(Observed.IMAGE, "volumes/volume-" + volume, null),
            ceph(Observed.SNAPSHOT, "volumes/volume-" + volume + "@snapshot-" + snap, null),
            ceph(Observed.TRASH, "volumes/1234abcd", "volume-" + UUID.randomUUID()),
            ceph(Observed.IMAGE, "volumes/volume-not-a-uuid", null),
            ceph(Observed.IMAGE, "vms/someone_disk", null));
    var records =
        List.of(
            record("volume", volume, State.AVAILABLE, null),
            record("snapshot", snap, State.AVAILABLE, "volume:" + volume));
    var c =
        AuditClassifier.classify(
            new AuditClassifier.Input(objects, records, Set.of(), NOW, 0, true, Set.of()));
    Map<String, Category> byName =
        c.findings().stream().collect(Collectors.toMap(f -> f.object().name(), Finding::category));
    assertThat(byName)
        .containsEntry("volumes/volume-" + volume, Category.OWNED)
        .containsEntry("volumes/volume-" + volume + "@snapshot-" + snap, Category.OWNED)
        .containsEntry("volumes/1234abcd", Category.ORPHAN)
        .hasSize(3);
    assertThat(c.counts()).containsEntry("foreign", 2);
    assertThat(c.findings())
        .filteredOn(f -> f.object().name().equals("volumes/volume-" + volume + "@snapshot-" + snap))
        .singleElement()
        .extracting(Finding::resource)
        .isEqualTo("snapshot:" + snap);
  }

  @Test
  void aVolumeInUseByAServerWhoseCreateOrDeleteEndedIsStaleAlready() {
    String server = UUID.randomUUID().toString();
    List<Observed> objects = List.of(ceph(Observed.IMAGE, "volumes/volume-" + volume, null));
    for (State held : List.of(State.CREATING, State.DELETING)) {
      ResourceRecord used =
          new ResourceRecord(
              "volume",
              volume,
              State.IN_USE,
              "op@run",
              null,
              "sha",
              null,
              "server:" + server,
              "2026-01-01T00:00:00Z",
              "2026-01-01T00:00:00Z");
      ResourceRecord user =
          new ResourceRecord(
              "server",
              server,
              held,
              "boot@run",
              "boot@run",
              "sha",
              null,
              null,
              "2026-01-01T00:00:00Z",
              "2026-01-01T00:00:00Z");
      // the server's operation ended (terminated): its record is dangling, the volume stale now
      assertThat(classify(objects, List.of(used, user)))
          .as(held.name())
          .containsEntry("volumes/volume." + volume, Category.STALE_IN_USE)
          .containsEntry("vms/server." + server, Category.DANGLING_RECORD);
      // still running: neither
      var running =
          AuditClassifier.classify(
              new AuditClassifier.Input(
                  objects, List.of(used, user), Set.of("boot@run"), NOW, 0, true, Set.of()));
      assertThat(running.findings()).extracting(Finding::category).containsOnly(Category.OWNED);
    }
  }

  @Test
  void imageFromServersTemporarySnapshotIsTheNewImagesAndAnOrphanOnceItsCreateEnded() {
    String server = UUID.randomUUID().toString();
    Observed temp =
        ceph(Observed.SNAPSHOT, "vms/" + server + "_disk@cephflow-image-" + image, null);
    List<Observed> objects = List.of(ceph(Observed.IMAGE, "vms/" + server + "_disk", null), temp);
    ResourceRecord srv = record("server", server, State.AVAILABLE, null);
    // the image-from-server that made it was terminated: no image record, or one held creating
    assertThat(classify(objects, List.of(srv)))
        .containsEntry("vms/" + server + "_disk", Category.OWNED)
        .containsEntry(temp.name(), Category.ORPHAN);
    // a complete image whose background flatten still needs it: owned
    assertThat(classify(objects, List.of(srv, record("image", image, State.AVAILABLE, null))))
        .containsEntry(temp.name(), Category.OWNED);
    assertThat(OwnerRules.ownerOf(temp).orElseThrow().resource()).isEqualTo("image:" + image);
  }

  @Test
  void anUploadsStagedFileIsOwnedWhileItRunsAndAnOrphanOnceTheImageIsComplete() {
    Observed staged = ceph(Observed.SCRATCH_FILE, "upload-" + image, null);
    ResourceRecord creating =
        new ResourceRecord(
            "image",
            image,
            State.CREATING,
            "up@run",
            "up@run",
            "sha",
            null,
            null,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z");
    var running =
        AuditClassifier.classify(
            new AuditClassifier.Input(
                List.of(staged), List.of(creating), Set.of("up@run"), NOW, 0, true, Set.of()));
    assertThat(running.findings()).extracting(Finding::category).containsOnly(Category.OWNED);
    // terminated after the image was settled, before the staged file's removal
    assertThat(classify(List.of(staged), List.of(record("image", image, State.AVAILABLE, null))))
        .containsEntry(staged.name(), Category.ORPHAN);
  }

  @Test
  void aLiveServersDomainPausedWithNoOperationHoldingItThatRunsIsLeftPaused() {
    String server = UUID.randomUUID().toString();
    Observed paused =
        new Observed(Observed.DOMAIN, "instance-" + server, "h1", NOW - 100, "paused");
    Observed running =
        new Observed(Observed.DOMAIN, "instance-" + server, "h1", NOW - 100, "running");
    ResourceRecord held =
        new ResourceRecord(
            "server",
            server,
            State.AVAILABLE,
            "boot@run",
            null,
            "sha",
            null,
            null,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:01Z",
            List.of("image-from-server@run"));
    // image from server terminated between its suspend and its resume: it holds the server still
    var left =
        AuditClassifier.classify(
            new AuditClassifier.Input(
                List.of(paused), List.of(held), Set.of(), NOW, 0, true, Set.of()));
    assertThat(left.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.category()).isEqualTo(Category.LEFT_PAUSED);
              assertThat(f.resource()).isEqualTo("server:" + server);
              assertThat(f.operation()).isEqualTo("image-from-server@run");
              assertThat(f.recordVersion()).isEqualTo("2026-01-01T00:00:01Z");
            });
    assertThat(left.counts()).containsEntry("left_paused", 1);
    // while that operation runs, it is paused on purpose
    assertThat(
            AuditClassifier.classify(
                    new AuditClassifier.Input(
                        List.of(paused),
                        List.of(held),
                        Set.of("image-from-server@run"),
                        NOW,
                        0,
                        true,
                        Set.of()))
                .findings())
        .extracting(Finding::category)
        .containsOnly(Category.OWNED);
    // running, or a recorded audit from before the category
    assertThat(classify(List.of(running), List.of(held)).values()).containsOnly(Category.OWNED);
    assertThat(
            AuditClassifier.classify(
                    new AuditClassifier.Input(
                        List.of(paused), List.of(held), Set.of(), NOW, 0, true, Set.of(), false))
                .findings())
        .extracting(Finding::category)
        .containsOnly(Category.OWNED);
    // a server whose create ended: its paused domain is an orphan, removed rather than resumed
    ResourceRecord creating =
        new ResourceRecord(
            "server",
            server,
            State.CREATING,
            "boot@run",
            "boot@run",
            "sha",
            null,
            null,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z");
    assertThat(classify(List.of(paused), List.of(creating)))
        .containsEntry(paused.name(), Category.ORPHAN);
    // the operations asked about include the holders
    assertThat(AuditClassifier.operations(List.of(held), true))
        .containsExactlyInAnyOrder("boot@run", "image-from-server@run");
    assertThat(AuditClassifier.operations(List.of(held), false)).containsExactly("boot@run");
  }
}
