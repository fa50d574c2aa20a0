package io.cephflow.workflows.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.testing.WorkflowTestBed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The auditor's decisions and its reap, with the listing and the removals faked. */
class AuditWorkflowTest {
  static final long NOW = 1_800_000_000L;
  static final long OLD = NOW - 7200;
  static final String RUNNING = "image-upload-r@run";
  static final String ENDED = "image-upload-e@run";

  final List<Observed> cephObjects = new ArrayList<>();
  final List<Observed> hostObjects = new ArrayList<>();
  final List<ResourceRecord> records = new ArrayList<>();
  final List<String> reaped = Collections.synchronizedList(new ArrayList<>());
  long longestRunning = 0;
  final List<String> pagesAsked = Collections.synchronizedList(new ArrayList<>());
  long minimumAge = 3600;
  WorkflowTestBed bed;

  final AuditActivities cluster =
      new AuditActivities() {
        @Override
        public ClusterListing listCluster() {
          return new ClusterListing(cephObjects, records, minimumAge, List.of("h1"), NOW);
        }

        /** Two entries a page, whatever the limit: every test here lists across several pages. */
        @Override
        public ClusterPage listClusterPage(String after, int limit) {
          pagesAsked.add(after);
          int from = after == null ? 0 : Integer.parseInt(after);
          int total = cephObjects.size() + records.size();
          int to = Math.min(total, from + 2);
          List<Observed> objects = new ArrayList<>();
          List<ResourceRecord> recs = new ArrayList<>();
          for (int i = from; i < to; i++) {
            if (i < cephObjects.size()) objects.add(cephObjects.get(i));
            else recs.add(records.get(i - cephObjects.size()));
          }
          return new ClusterPage(
              objects,
              recs,
              to < total ? Integer.toString(to) : null,
              minimumAge,
              List.of("h1"),
              NOW);
        }

        @Override
        public List<String> runningOperations(List<String> operations) {
          return operations.stream().filter(RUNNING::equals).toList();
        }

        @Override
        public long longestRunningSeconds() {
          return longestRunning;
        }

        @Override
        public String reapInCluster(Finding f) {
          reaped.add(f.object().name());
          return "removed";
        }
      };

  final HostAuditActivities host =
      new HostAuditActivities() {
        @Override
        public HostListing listHost() {
          return new HostListing("h1", hostObjects);
        }

        @Override
        public String reapOnHost(Finding f) {
          reaped.add(f.object().name());
          return "removed";
        }
      };

  /** A host whose libvirt does not answer. */
  final HostAuditActivities broken =
      new HostAuditActivities() {
        @Override
        public HostListing listHost() {
          throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
              "libvirt is down", "HypervisorError");
        }

        @Override
        public String reapOnHost(Finding f) {
          throw new AssertionError("nothing is reaped on a host that was not listed");
        }
      };

  @AfterEach
  void close() {
    if (bed != null) bed.close();
  }

  String id() {
    String id = UUID.randomUUID().toString();
    made.add(id);
    return id;
  }

  static Observed ceph(String type, String name, long at) {
    return new Observed(type, name, null, at, null);
  }

  static Observed onHost(String type, String name, Long at) {
    return new Observed(type, name, "h1", at, null);
  }

  static ResourceRecord record(
      String kind, String id, State state, String operation, String usedBy) {
    String at = Instant.ofEpochSecond(OLD).toString();
    return new ResourceRecord(
        kind,
        id,
        state,
        operation == null ? "made@run" : operation,
        operation,
        "sha",
        null,
        usedBy,
        at,
        at);
  }

  String lastId;

  AuditResult audit(AuditRequest request) {
    if (bed == null) {
      bed =
          new WorkflowTestBed(
              AuditWorkflowImpl.class,
              Map.of(TaskQueues.host("h1"), host, TaskQueues.host("h2"), broken),
              cluster);
    }
    lastId = "audit-" + id();
    return bed.start(AuditWorkflow.class, lastId).audit(request);
  }

  static Map<String, Category> byName(AuditResult r) {
    return r.findings().stream()
        .collect(Collectors.toMap(f -> f.object().name(), Finding::category));
  }

  /** One of each case, side by side: what is owned stays owned, each leak is named once. */
  String owned, unrecorded, dangling, stale, terminated, running, ghost;

  final List<String> made = new ArrayList<>();

  void leftoversAndOwned() {
    owned = id();
    records.add(record("image", owned, State.AVAILABLE, null, null));
    cephObjects.add(ceph(Observed.IMAGE, "images/" + owned, OLD));
    cephObjects.add(ceph(Observed.SNAPSHOT, "images/" + owned + "@snap", OLD));
    cephObjects.add(ceph(Observed.IMAGE, "images/" + owned + "_raw", OLD));
    records.add(
        record(ResourceRecord.RAW_COPY_KIND, owned, State.AVAILABLE, null, null)); // the copy's own
    unrecorded = id();
    cephObjects.add(ceph(Observed.IMAGE, "images/" + unrecorded, OLD));
    cephObjects.add(ceph(Observed.SNAPSHOT, "images/" + unrecorded + "@snap", OLD));
    dangling = id();
    records.add(record("volume", dangling, State.AVAILABLE, null, null));
    stale = id();
    String gone = id();
    records.add(record("volume", stale, State.IN_USE, null, "server:" + gone));
    records.add(record("server", gone, State.DELETED, null, null));
    cephObjects.add(ceph(Observed.IMAGE, "volumes/volume-" + stale, OLD));
    terminated = id();
    records.add(record("image", terminated, State.CREATING, ENDED, null));
    cephObjects.add(ceph(Observed.IMAGE, "images/" + terminated, OLD));
    hostObjects.add(onHost(Observed.SCRATCH_FILE, "upload-" + terminated, OLD));
    running = id();
    records.add(record("image", running, State.CREATING, RUNNING, null));
    cephObjects.add(ceph(Observed.IMAGE, "images/" + running, OLD));
    ghost = id();
    hostObjects.add(onHost(Observed.DOMAIN, "instance-" + ghost, OLD));
    hostObjects.add(onHost(Observed.CONSOLE_LOG, "instance-" + ghost + ".log", OLD));
    hostObjects.add(onHost(Observed.SECRET, "client.cephflow secret", null));
    cephObjects.add(ceph(Observed.IMAGE, "images/someone-elses", OLD));
  }

  @Test
  void aDryRunNamesEachLeakOnceAndRemovesNothing() {
    leftoversAndOwned();
    AuditResult whole = audit(AuditRequest.dryRun());
    assertThat(whole.findings())
        .as("a whole-cluster result lists leaks only")
        .allMatch(f -> f.category().leak());
    assertThat(whole.counts())
        .as("the secret is owned (shared), the other one's image foreign")
        .containsEntry("owned", 6)
        .containsEntry("foreign", 1);
    AuditResult r = audit(new AuditRequest(false, null, List.of(), made));

    Map<String, Category> c = byName(r);
    assertThat(c)
        .containsEntry("images/" + owned, Category.OWNED)
        .containsEntry("images/" + owned + "@snap", Category.OWNED)
        .containsEntry("images/" + owned + "_raw", Category.OWNED)
        .containsEntry("images/" + unrecorded, Category.ORPHAN)
        .containsEntry("images/" + unrecorded + "@snap", Category.ORPHAN)
        .containsEntry("volumes/volume." + dangling, Category.DANGLING_RECORD)
        .containsEntry("volumes/volume." + stale, Category.STALE_IN_USE)
        .containsEntry("volumes/volume-" + stale, Category.OWNED)
        .containsEntry("images/" + terminated, Category.ORPHAN)
        .containsEntry("upload-" + terminated, Category.ORPHAN)
        .containsEntry("images/image." + terminated, Category.DANGLING_RECORD)
        .containsEntry("images/" + running, Category.OWNED)
        .containsEntry("instance-" + ghost, Category.ORPHAN)
        .containsEntry("instance-" + ghost + ".log", Category.ORPHAN)
        .doesNotContainKey("images/someone-elses")
        .doesNotContainKey("images/image." + running)
        .doesNotContainKey("images/image." + owned);
    assertThat(r.counts())
        .containsEntry("orphan", 6)
        .containsEntry("dangling_record", 2)
        .containsEntry("stale_in_use", 1)
        .containsEntry("foreign", 1);
    Finding t =
        r.findings().stream()
            .filter(f -> f.object().name().equals("images/" + terminated))
            .findFirst()
            .get();
    assertThat(t.operation()).isEqualTo(ENDED);
    assertThat(t.ageSeconds()).isEqualTo(7200);
    assertThat(r.findings()).allMatch(f -> f.reaped() == null);
    assertThat(reaped).isEmpty();
  }

  @Test
  void aListingLargerThanOnePageIsReadPageByPageAndJudgedWhole() {
    leftoversAndOwned();
    AuditResult paged = audit(AuditRequest.dryRun());
    int entries = cephObjects.size() + records.size();
    assertThat(pagesAsked)
        .as("two entries a page")
        .hasSize((entries + 1) / 2)
        .startsWith((String) null)
        .doesNotHaveDuplicates();
    // the same findings as one listing would give: each page's objects and records judged together
    pagesAsked.clear();
    assertThat(paged.findings()).isNotEmpty();
    assertThat(paged.counts().values().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThanOrEqualTo(cephObjects.size());
  }

  @Test
  void aReapRemovesExactlyTheLeaksUsersFirstRecordsLast() {
    leftoversAndOwned();
    AuditResult r = audit(new AuditRequest(true, null, List.of(), made));

    assertThat(reaped)
        .containsExactlyInAnyOrder(
            "images/" + unrecorded,
            "images/" + unrecorded + "@snap",
            "volumes/volume." + dangling,
            "volumes/volume." + stale,
            "images/" + terminated,
            "upload-" + terminated,
            "images/image." + terminated,
            "instance-" + ghost,
            "instance-" + ghost + ".log");
    assertThat(reaped.indexOf("instance-" + ghost))
        .isLessThan(reaped.indexOf("images/" + unrecorded));
    assertThat(reaped.indexOf("images/" + unrecorded + "@snap"))
        .isLessThan(reaped.indexOf("images/" + unrecorded));
    assertThat(reaped.indexOf("images/" + terminated))
        .isLessThan(reaped.indexOf("images/image." + terminated));
    assertThat(r.leaks()).allMatch(f -> "removed".equals(f.reaped()));
    assertThat(r.findings().stream().filter(f -> f.category() == Category.OWNED))
        .allMatch(f -> f.reaped() == null);
    bed.recordHistory(lastId, "audit-reap");
  }

  /**
   * Image from server terminated between its suspend and its resume, and another after its clone:
   * the server's domain is paused, the temporary snapshot has the orphan image cloned under it.
   */
  @Test
  void aReapResumesADomainLeftPausedAndRemovesAnOrphanCloneBeforeTheSnapshotItHangsOff() {
    String server = id();
    String image = id();
    String temp = "vms/" + server + "_disk@cephflow-image-" + image;
    String at = Instant.ofEpochSecond(OLD).toString();
    records.add(
        new ResourceRecord(
            "server",
            server,
            State.AVAILABLE,
            "made@run",
            null,
            "sha",
            null,
            null,
            at,
            at,
            List.of(ENDED)));
    records.add(record("image", image, State.CREATING, ENDED, null));
    cephObjects.add(ceph(Observed.IMAGE, "vms/" + server + "_disk", OLD));
    cephObjects.add(ceph(Observed.SNAPSHOT, temp, OLD));
    cephObjects.add(new Observed(Observed.IMAGE, "images/" + image, null, OLD, temp));
    cephObjects.add(ceph(Observed.SNAPSHOT, "images/" + image + "@snap", OLD));
    hostObjects.add(new Observed(Observed.DOMAIN, "instance-" + server, "h1", OLD, "paused"));
    hostObjects.add(onHost(Observed.CONSOLE_LOG, "instance-" + server + ".log", OLD));

    AuditResult r = audit(new AuditRequest(true, null, List.of(), made));

    assertThat(byName(r))
        .containsEntry("instance-" + server, Category.LEFT_PAUSED)
        .containsEntry("instance-" + server + ".log", Category.OWNED)
        .containsEntry("vms/" + server + "_disk", Category.OWNED)
        .containsEntry(temp, Category.ORPHAN)
        .containsEntry("images/" + image, Category.ORPHAN);
    assertThat(reaped)
        .as("the clone's snapshot, the clone, then the snapshot it hangs off; the record last")
        .containsExactly(
            "instance-" + server,
            "images/" + image + "@snap",
            "images/" + image,
            temp,
            "images/image." + image);
    bed.recordHistory(lastId, "audit-reap-clone-and-paused");
  }

  @Test
  void nothingYoungerThanTheLongestRunningOperationIsReaped() {
    String young = id();
    String old = id();
    cephObjects.add(ceph(Observed.IMAGE, "images/" + young, NOW - 500));
    cephObjects.add(ceph(Observed.IMAGE, "images/" + old, NOW - 5000));
    hostObjects.add(onHost(Observed.DOMAIN, "instance-" + id(), null));
    longestRunning = 4000; // above the minimum age of 3600 s

    AuditResult r = audit(new AuditRequest(true, null, List.of(), List.of()));

    assertThat(r.graceSeconds()).isEqualTo(4000);
    assertThat(reaped).containsExactly("images/" + old);
    assertThat(r.leaks())
        .filteredOn(f -> f.object().name().equals("images/" + young))
        .singleElement()
        .extracting(Finding::reaped)
        .asString()
        .startsWith("skipped: younger than the grace");
    assertThat(r.leaks())
        .filteredOn(f -> f.object().type().equals(Observed.DOMAIN))
        .singleElement()
        .extracting(Finding::reaped)
        .isEqualTo("skipped: age unknown");
  }

  @Test
  void aScopedAuditSeesOnlyItsResourcesAndAnUnlistedHostLeavesServersUndecided() {
    leftoversAndOwned();
    String server = id();
    records.add(record("server", server, State.AVAILABLE, null, null));

    AuditResult r =
        audit(new AuditRequest(false, 0L, List.of("h1", "h2"), List.of(unrecorded, server)));

    assertThat(r.unreachableHosts()).containsExactly("h2");
    assertThat(byName(r).keySet())
        .containsExactlyInAnyOrder("images/" + unrecorded, "images/" + unrecorded + "@snap");
    assertThat(r.graceSeconds())
        .as("a request never shortens the configured minimum")
        .isEqualTo(3600);
  }

  @Test
  void temporaryFilesAreOrphansOnlyOnceOlderThanTheGrace() {
    hostObjects.add(onHost(Observed.SCRATCH_FILE, "convert-" + id(), NOW - 10));
    hostObjects.add(onHost(Observed.SCRATCH_FILE, "convert-old", OLD));
    AuditResult r = audit(new AuditRequest(false, 7000L, List.of(), List.of()));
    assertThat(r.graceSeconds()).as("a request may lengthen the grace").isEqualTo(7000);
    assertThat(r.findings()).extracting(f -> f.category()).containsExactly(Category.ORPHAN);
    assertThat(r.counts()).containsEntry("owned", 1);
    assertThat(byName(r)).containsEntry("convert-old", Category.ORPHAN);
    assertThat(Set.copyOf(reaped)).isEmpty();
  }
}
