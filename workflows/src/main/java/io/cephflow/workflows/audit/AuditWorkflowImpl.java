package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.HostRouting;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.TaskQueues;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/** See {@link AuditWorkflow}. */
public class AuditWorkflowImpl implements AuditWorkflow {
  private static final Logger log = Workflow.getLogger(AuditWorkflowImpl.class);

  /**
   * Reap order: what uses an object goes before it (a domain before its disk, snapshots before
   * images).
   */
  private static final List<String> REAP_ORDER =
      List.of(
          Observed.DOMAIN,
          Observed.CONSOLE_LOG,
          Observed.SCRATCH_FILE,
          Observed.SNAPSHOT,
          Observed.IMAGE,
          Observed.TRASH,
          Observed.RECORD);

  /**
   * The reap removes a leaked clone before the leaked snapshot it hangs off (the listing names an
   * image's parent), so image from server's temporary snapshot goes after the image cloned from it.
   * Before: every snapshot before every image, and that snapshot's removal failed (it has clones;
   * found by TerminateMatrixIT).
   */
  static final String CLONES_FIRST = "audit-clones-first";

  /**
   * A live server's domain left paused (an image from the server terminated between its suspend and
   * its resume) is {@link Category#LEFT_PAUSED}, which the reap resumes; the operations asked about
   * include those holding a record. Before: owned, paused for good.
   */
  static final String LEFT_PAUSED = "audit-left-paused";

  /** The listing comes in pages (before: one result, which capped it near 10,000 objects). */
  static final String PAGED = "audit-paged";

  /** Entries per page: far below the 2 MB payload limit even for images with many snapshots. */
  static final int PAGE_SIZE = 1000;

  private final AuditActivities cluster = Workflow.newActivityStub(AuditActivities.class);
  private OperationProgress progress = OperationProgress.at("list");

  @Override
  public AuditResult audit(AuditRequest request) {
    ClusterListing listing = list();
    List<Observed> objects = new ArrayList<>(listing.objects());
    List<String> hosts = request.hosts().isEmpty() ? listing.hosts() : request.hosts();
    List<String> unreachable = new ArrayList<>();
    for (String host : hosts) {
      try {
        objects.addAll(host(host).listHost().objects());
      } catch (ActivityFailure e) {
        log.warn(
            "audit: host {} not listed: {}",
            host,
            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        unreachable.add(host);
      }
    }
    progress = OperationProgress.at("classify");
    boolean leftPaused =
        Workflow.getVersion(LEFT_PAUSED, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
    Set<String> operations = AuditClassifier.operations(listing.records(), leftPaused);
    Set<String> running = new HashSet<>(cluster.runningOperations(new ArrayList<>(operations)));
    // a request may lengthen the grace, never shorten it below the worker's configured minimum
    long minimum =
        Math.max(
            listing.minimumAgeSeconds(),
            request.minimumAgeSeconds() == null ? 0 : request.minimumAgeSeconds());
    long grace = Math.max(minimum, cluster.longestRunningSeconds());
    var classified =
        AuditClassifier.classify(
            new AuditClassifier.Input(
                objects,
                listing.records(),
                running,
                listing.nowEpochSecond(),
                grace,
                unreachable.isEmpty(),
                Set.copyOf(request.resourceIds()),
                leftPaused));
    List<Finding> findings = classified.findings();
    if (request.reap()) {
      progress = OperationProgress.at("reap");
      findings = reap(findings, running, grace);
    }
    if (request.resourceIds().isEmpty()) {
      // a whole-cluster result lists the leaks only (owned ones are counted): it must fit in one
      // payload
      findings = findings.stream().filter(f -> f.category().leak()).toList();
    }
    progress = OperationProgress.at("done");
    Map<String, Integer> counts = new LinkedHashMap<>(classified.counts());
    log.info("audit: {} (grace {} s{})", counts, grace, request.reap() ? ", reaped" : ", dry run");
    return new AuditResult(request.reap(), grace, counts, unreachable, findings);
  }

  private ClusterListing list() {
    if (Workflow.getVersion(PAGED, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
      return cluster.listCluster();
    List<Observed> objects = new ArrayList<>();
    List<ResourceRecord> records = new ArrayList<>();
    ClusterPage first = null;
    String after = null;
    int pages = 0;
    do {
      ClusterPage page = cluster.listClusterPage(after, PAGE_SIZE);
      if (first == null) first = page;
      objects.addAll(page.objects());
      records.addAll(page.records());
      after = page.next();
      progress = OperationProgress.at("list page " + ++pages);
    } while (after != null);
    return new ClusterListing(
        objects, records, first.minimumAgeSeconds(), first.hosts(), first.nowEpochSecond());
  }

  /**
   * Reaps every leak old enough whose operation is not running, in {@link #REAP_ORDER}; the rest is
   * kept.
   */
  private List<Finding> reap(List<Finding> findings, Set<String> running, long grace) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < findings.size(); i++) order.add(i);
    order.sort(Comparator.comparingInt(i -> REAP_ORDER.indexOf(findings.get(i).object().type())));
    if (Workflow.getVersion(CLONES_FIRST, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION)
      order = clonesFirst(findings, order);
    List<Finding> out = new ArrayList<>(findings);
    for (int i : order) {
      Finding f = findings.get(i);
      if (!f.category().leak()) continue;
      String refusal = refusal(f, running, grace);
      String outcome;
      if (refusal != null) {
        outcome = "skipped: " + refusal;
      } else {
        try {
          outcome =
              f.object().host() != null
                  ? host(f.object().host()).reapOnHost(f)
                  : cluster.reapInCluster(f);
        } catch (ActivityFailure e) {
          outcome =
              "failed: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
      }
      log.info(
          "audit reap: {} {} ({}, {}): {}",
          f.object().type(),
          f.object().name(),
          f.category(),
          f.resource(),
          outcome);
      out.set(i, f.withReaped(outcome));
    }
    return out;
  }

  /**
   * {@code order} changed only where a leaked object needs another leaked one gone first: a
   * snapshot after the images cloned from it, an image after its snapshots (a depth-first walk, so
   * a chain image, snapshot, clone, its snapshot... comes out from the far end).
   */
  static List<Integer> clonesFirst(List<Finding> findings, List<Integer> order) {
    Map<String, List<Integer>> clones = new LinkedHashMap<>(); // snapshot name -> its clones
    Map<String, List<Integer>> snapshots = new LinkedHashMap<>(); // image name -> its snapshots
    for (int i : order) {
      Finding f = findings.get(i);
      if (!f.category().leak()) continue;
      Observed o = f.object();
      if (Observed.IMAGE.equals(o.type()) && o.detail() != null)
        clones.computeIfAbsent(o.detail(), k -> new ArrayList<>()).add(i);
      else if (Observed.SNAPSHOT.equals(o.type()) && o.name().contains("@"))
        snapshots
            .computeIfAbsent(o.name().substring(0, o.name().indexOf('@')), k -> new ArrayList<>())
            .add(i);
    }
    List<Integer> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i : order) visit(i, findings, clones, snapshots, seen, out);
    return out;
  }

  private static void visit(
      int i,
      List<Finding> findings,
      Map<String, List<Integer>> clones,
      Map<String, List<Integer>> snapshots,
      Set<Integer> seen,
      List<Integer> out) {
    if (!seen.add(i)) return;
    Observed o = findings.get(i).object();
    Map<String, List<Integer>> first =
        Observed.SNAPSHOT.equals(o.type())
            ? clones
            : Observed.IMAGE.equals(o.type()) ? snapshots : Map.of();
    for (int j : first.getOrDefault(o.name(), List.of()))
      visit(j, findings, clones, snapshots, seen, out);
    out.add(i);
  }

  static String refusal(Finding f, Set<String> running, long grace) {
    if (f.operation() != null && running.contains(f.operation()))
      return "operation " + f.operation() + " is running";
    if (grace > 0 && f.ageSeconds() == null) return "age unknown";
    if (f.ageSeconds() != null && f.ageSeconds() < grace)
      return "younger than the grace (" + grace + " s)";
    return null;
  }

  private static HostAuditActivities host(String host) {
    return HostRouting.on(HostAuditActivities.class, TaskQueues.host(host));
  }

  @Override
  public OperationProgress progress() {
    return progress;
  }
}
