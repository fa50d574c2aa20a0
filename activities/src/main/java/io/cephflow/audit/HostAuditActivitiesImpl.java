package io.cephflow.audit;

import io.cephflow.ceph.RecordStore;
import io.cephflow.libvirt.DomainName;
import io.cephflow.libvirt.HostInventory;
import io.cephflow.libvirt.Hypervisor;
import io.cephflow.libvirt.HypervisorException;
import io.cephflow.workflows.audit.AuditClassifier;
import io.cephflow.workflows.audit.Category;
import io.cephflow.workflows.audit.Finding;
import io.cephflow.workflows.audit.HostAuditActivities;
import io.cephflow.workflows.audit.HostListing;
import io.cephflow.workflows.audit.Observed;
import io.cephflow.workflows.audit.OwnerRules;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link HostAuditActivities} on this hypervisor: libvirt's domains and ceph secrets, the serial
 * console logs and the scratch area. A domain's age is its console log's (written when it was
 * defined), unknown without one.
 */
public class HostAuditActivitiesImpl implements HostAuditActivities {
  private final String host;
  private final Hypervisor hypervisor;
  private final HostInventory inventory;
  private final Path consoleDir;
  private final Path scratchDir;
  private final ReapGuard guard;

  /**
   * {@code hypervisor} and {@code inventory} are null on a worker without libvirt: only files are
   * listed.
   */
  public HostAuditActivitiesImpl(
      String host,
      Hypervisor hypervisor,
      HostInventory inventory,
      Path consoleDir,
      Path scratchDir,
      RecordStore records) {
    this.host = host;
    this.hypervisor = hypervisor;
    this.inventory = inventory;
    this.consoleDir = consoleDir;
    this.scratchDir = scratchDir;
    this.guard = new ReapGuard(records);
  }

  @Override
  public HostListing listHost() {
    List<Observed> out = new ArrayList<>();
    try {
      if (inventory != null) {
        for (HostInventory.DomainEntry d : inventory.domains()) {
          out.add(
              new Observed(
                  Observed.DOMAIN,
                  d.name(),
                  host,
                  modified(consoleDir.resolve(d.name() + ".log")),
                  d.paused() ? AuditClassifier.PAUSED : d.active() ? "running" : "shut off"));
        }
        for (String usage : inventory.cephSecrets())
          out.add(new Observed(Observed.SECRET, usage, host, null, null));
      }
    } catch (HypervisorException e) {
      throw ApplicationFailure.newFailure(
          "listing libvirt on " + host + ": " + e.getMessage(), "HypervisorError");
    }
    files(consoleDir, Observed.CONSOLE_LOG, out);
    files(scratchDir, Observed.SCRATCH_FILE, out);
    return new HostListing(host, out);
  }

  private void files(Path dir, String type, List<Observed> out) {
    if (dir == null || !Files.isDirectory(dir)) return;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Long at = modified(f);
        if (at != null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          out.add(new Observed(type, f.getFileName().toString(), host, at, null));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
  }

  private static Long modified(Path f) {
    try {
      return Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant().getEpochSecond();
    } catch (IOException e) {
      return null; // none, or gone meanwhile
    }
  }

  @Override
  public String reapOnHost(Finding f) {
    String refused = guard.refusal(f);
    if (refused != null) return refused;
    Observed o = f.object();
    if (OwnerRules.ownerOf(o).isEmpty() && !OwnerRules.temporary(o)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "not cephflow's: " + o.name(), AuditActivitiesImpl.REAP_FAILED);
    }
    if (f.category() == Category.LEFT_PAUSED) {
      if (!Observed.DOMAIN.equals(o.type()))
        throw ApplicationFailure.newNonRetryableFailure(
            "only a domain is left paused: " + o.name(), AuditActivitiesImpl.REAP_FAILED);
      return resumeDomain(DomainName.parse(o.name()));
    }
    return switch (o.type()) {
      case Observed.DOMAIN -> removeDomain(DomainName.parse(o.name()));
      case Observed.CONSOLE_LOG -> removeFile(consoleDir, o.name());
      case Observed.SCRATCH_FILE -> removeFile(scratchDir, o.name());
      default ->
          throw ApplicationFailure.newNonRetryableFailure(
              "not removed by the auditor: " + o.type(), AuditActivitiesImpl.REAP_FAILED);
    };
  }

  private String removeDomain(DomainName name) {
    if (hypervisor == null)
      throw ApplicationFailure.newNonRetryableFailure("no libvirt on " + host, "HypervisorError");
    try {
      boolean destroyed = hypervisor.destroy(name);
      boolean undefined = hypervisor.undefine(name);
      return destroyed || undefined
          ? "removed" + (destroyed ? " (was running)" : "")
          : "already gone";
    } catch (HypervisorException e) {
      throw ApplicationFailure.newFailure(
          "removing " + name + " on " + host + ": " + e.getMessage(), "HypervisorError");
    }
  }

  /** A server's domain left paused: resumed (its record is as the audit saw it, checked above). */
  private String resumeDomain(DomainName name) {
    if (hypervisor == null)
      throw ApplicationFailure.newNonRetryableFailure("no libvirt on " + host, "HypervisorError");
    try {
      return hypervisor.resume(name) ? "resumed" : "already running";
    } catch (HypervisorException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "resuming " + name + " on " + host + ": " + e.getMessage(),
          AuditActivitiesImpl.REAP_FAILED);
    }
  }

  /**
   * The name comes from this host's own listing; it must still name a plain file in {@code dir}.
   */
  private static String removeFile(Path dir, String name) {
    Path f = dir.resolve(name).normalize();
    if (!f.getParent().equals(dir.normalize()) || name.contains("/")) {
      throw ApplicationFailure.newNonRetryableFailure(
          "not a file of " + dir + ": " + name, AuditActivitiesImpl.REAP_FAILED);
    }
    try {
      Files.delete(f);
      return "removed";
    } catch (NoSuchFileException e) {
      return "already gone";
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "removing " + f + ": " + e.getMessage(), AuditActivitiesImpl.REAP_FAILED);
    }
  }
}
