package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.common.ResourceRecord.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Classifies what the auditor saw against the resource records (pure: no I/O, so it runs in the
 * workflow and in plain unit tests). See docs/audit.md for the categories.
 */
public final class AuditClassifier {
  /** The input of one classification. */
  public record Input(
      List<Observed> objects,
      List<ResourceRecord> records,
      Set<String> running,
      long now,
      long graceSeconds,
      boolean everyHostListed,
      Set<String> resourceIds,
      boolean leftPaused) {
    /** With every category (a recorded audit before {@code audit-left-paused} has none paused). */
    public Input(
        List<Observed> objects,
        List<ResourceRecord> records,
        Set<String> running,
        long now,
        long graceSeconds,
        boolean everyHostListed,
        Set<String> resourceIds) {
      this(objects, records, running, now, graceSeconds, everyHostListed, resourceIds, true);
    }
  }

  /** How the listing shows a paused domain ({@link Observed#detail()}). */
  public static final String PAUSED = "paused";

  private final Input in;
  private final Map<String, ResourceRecord> records = new HashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  private AuditClassifier(Input in) {
    this.in = in;
    for (ResourceRecord r : in.records()) records.put(r.name(), r);
    for (Category c : Category.values()) counts.put(c.name().toLowerCase(), 0);
    counts.put("foreign", 0);
  }

  /** The findings (objects first, then records), and the counts by category. */
  public record Classified(List<Finding> findings, Map<String, Integer> counts) {}

  public static Classified classify(Input in) {
    AuditClassifier c = new AuditClassifier(in);
    List<Finding> out = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Observed o : in.objects()) {
      var owner = OwnerRules.ownerOf(o);
      if (owner.isEmpty() && !OwnerRules.temporary(o)) {
        c.counts.merge("foreign", 1, Integer::sum);
        continue;
      }
      if (owner.isPresent() && owner.get().primary()) present.add(owner.get().resource());
      if (owner.isPresent() && !c.inScope(owner.get().id())) continue;
      if (owner.isEmpty() && !in.resourceIds().isEmpty()) continue;
      c.add(out, owner.isEmpty() ? c.temporaryFile(o) : c.object(o, owner.get()));
    }
    for (ResourceRecord r : in.records()) {
      if (!c.inScope(r.id())) continue;
      Finding f = c.record(r, present.contains(r.name()));
      if (f != null) c.add(out, f);
    }
    return new Classified(out, c.counts);
  }

  private void add(List<Finding> out, Finding f) {
    counts.merge(f.category().name().toLowerCase(), 1, Integer::sum);
    out.add(f);
  }

  private boolean inScope(String id) {
    return in.resourceIds().isEmpty() || (id != null && in.resourceIds().contains(id));
  }

  private Finding object(Observed o, OwnerRules.Owner owner) {
    Long age = age(o.createdAtEpochSecond());
    if (owner.kind().equals(OwnerRules.SHARED)) {
      return new Finding(
          Category.OWNED, o, null, null, age, "shared by the servers of the host", null, null);
    }
    ResourceRecord r = records.get(owner.resource());
    if (r == null)
      return new Finding(Category.ORPHAN, o, owner.resource(), null, age, "no record", null, null);
    String holder = holder(r);
    return switch (r.state()) {
      case DELETED -> leak(Category.ORPHAN, o, r, age, "its resource was deleted (tombstone)");
      case CREATING, DELETING ->
          in.running().contains(holder)
              ? new Finding(
                  Category.OWNED,
                  o,
                  r.name(),
                  holder,
                  age,
                  "operation running",
                  r.updatedAt(),
                  null)
              : leak(
                  Category.ORPHAN,
                  o,
                  r,
                  age,
                  "operation " + holder + " ended while " + r.state().name().toLowerCase());
      default ->
          in.leftPaused() && leftPaused(o, r)
              ? new Finding(
                  Category.LEFT_PAUSED,
                  o,
                  r.name(),
                  r.holders().isEmpty() ? r.createdBy() : r.holders().get(r.holders().size() - 1),
                  age,
                  "paused, and no operation that pauses it runs"
                      + (r.holders().isEmpty() ? "" : " (held by " + r.holders() + ", ended)"),
                  r.updatedAt(),
                  null)
              :
              // an upload's staged file once the image is complete: no step reads it again (the
              // upload's last step removes it; a terminate before that left it, owned forever)
              Observed.SCRATCH_FILE.equals(o.type())
                      && (r.state() == State.AVAILABLE || r.state() == State.IN_USE)
                  ? leak(
                      Category.ORPHAN, o, r, age, "its upload completed; the staged file is left")
                  : new Finding(
                      Category.OWNED,
                      o,
                      r.name(),
                      r.createdBy(),
                      age,
                      r.state().name().toLowerCase(),
                      r.updatedAt(),
                      null);
    };
  }

  /**
   * A live server's domain paused while none of the operations holding the server (image from
   * server pauses it around its snapshot) runs: a terminate between the suspend and the resume.
   */
  private boolean leftPaused(Observed o, ResourceRecord r) {
    return Observed.DOMAIN.equals(o.type())
        && PAUSED.equals(o.detail())
        && (r.state() == State.AVAILABLE || r.state() == State.IN_USE)
        && r.holders().stream().noneMatch(in.running()::contains);
  }

  /**
   * The operations whose running decides a finding: those creating or deleting a record, those that
   * made one, and (for {@link Category#LEFT_PAUSED}) those holding one.
   */
  public static Set<String> operations(List<ResourceRecord> records, boolean holders) {
    Set<String> out = new java.util.TreeSet<>();
    for (ResourceRecord r : records) {
      if (r.operation() != null) out.add(r.operation());
      if (r.createdBy() != null && !ResourceRecord.UNRECORDED.equals(r.createdBy()))
        out.add(r.createdBy());
      if (holders) out.addAll(r.holders());
    }
    return out;
  }

  private Finding temporaryFile(Observed o) {
    Long age = age(o.createdAtEpochSecond());
    boolean fresh = age == null || age < in.graceSeconds();
    return new Finding(
        fresh ? Category.OWNED : Category.ORPHAN,
        o,
        null,
        null,
        age,
        fresh
            ? "a running step's temporary file (younger than the grace)"
            : "a temporary file no step uses",
        null,
        null);
  }

  private Finding record(ResourceRecord r, boolean present) {
    if (r.state() == State.DELETED) return null;
    Observed rec =
        new Observed(
            Observed.RECORD,
            ResourceRecord.pool(r.kind()) + "/" + r.kind() + "." + r.id(),
            null,
            epoch(r.createdAt()),
            r.state().name());
    Long age = age(rec.createdAtEpochSecond());
    String holder = holder(r);
    if (ended(r)) {
      return leak(
          Category.DANGLING_RECORD,
          rec,
          r,
          age,
          "operation "
              + holder
              + " ended while "
              + r.state().name().toLowerCase()
              + (present ? " (its objects are orphans)" : ""));
    }
    if (r.state() == State.CREATING || r.state() == State.DELETING) return null; // running
    if (!present && (!r.kind().equals("server") || in.everyHostListed())) {
      return leak(
          Category.DANGLING_RECORD,
          rec,
          r,
          age,
          r.state().name().toLowerCase() + " but none of its objects exist");
    }
    if (r.state() == State.IN_USE && r.usedBy() != null && r.usedBy().startsWith("server:")) {
      ResourceRecord user = records.get(r.usedBy());
      if (user == null || !user.live() || ended(user)) {
        return leak(
            Category.STALE_IN_USE,
            rec,
            r,
            age,
            "in use by " + r.usedBy() + ", which no longer exists");
      }
    }
    return null;
  }

  /**
   * A record held creating or deleting by an operation that ended: a dangling record, which the
   * reap marks deleted. A volume its server uses is stale already (before: only in the audit after
   * that reap; found by TerminateMatrixIT, a boot from volume terminated after the attach).
   */
  private boolean ended(ResourceRecord r) {
    return (r.state() == State.CREATING || r.state() == State.DELETING)
        && !in.running().contains(holder(r));
  }

  private static Finding leak(Category c, Observed o, ResourceRecord r, Long age, String reason) {
    return new Finding(c, o, r.name(), holder(r), age, reason, r.updatedAt(), null);
  }

  /**
   * The operation that holds the record now (creating or deleting it), else the one that made it.
   */
  static String holder(ResourceRecord r) {
    return r.operation() != null ? r.operation() : r.createdBy();
  }

  private Long age(Long createdAt) {
    return createdAt == null ? null : Math.max(0, in.now() - createdAt);
  }

  static Long epoch(String iso) {
    try {
      return iso == null ? null : Instant.parse(iso).getEpochSecond();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
