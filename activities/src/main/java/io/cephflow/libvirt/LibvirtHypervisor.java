package io.cephflow.libvirt;

import io.cephflow.workflows.hypervisor.DefineOutcome;
import io.cephflow.workflows.hypervisor.DomainState;
import io.cephflow.workflows.hypervisor.ShutdownOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * {@link Hypervisor} over libvirt-java. Checks state, then acts: no retries here (Temporal retries
 * activities), and every libvirt error is translated once by {@link LibvirtErrors}.
 */
public final class LibvirtHypervisor implements Hypervisor, HostInventory {
  // undefine also drops managed-save, snapshot/checkpoint metadata and NVRAM: the
  // domain is cephflow's and leftovers would make a later define of the name fail
  private static final int UNDEFINE_FLAGS = 1 | 2 | 4 | 16;
  private static final Duration POLL = Duration.ofMillis(200);

  private final String uri;
  private final Path cephConf;

  /**
   * @param uri libvirt URI, e.g. {@code qemu:///system}, {@code qemu+ssh://host/system}
   * @param cephConf the ceph.conf qemu reads for timeouts; must exist on the hypervisor host (see
   *     {@link CephClientConf#ensure})
   */
  public LibvirtHypervisor(String uri, Path cephConf) {
    this.uri = LibvirtSettings.requireUri(uri);
    this.cephConf = Names.absolutePath("ceph conf", cephConf);
  }

  /** From settings; writes the ceph conf locally, as the hypervisor's own worker does. */
  public static LibvirtHypervisor create(LibvirtSettings settings) {
    CephClientConf.ensure(settings.cephConf(), settings.cephMountTimeout());
    return new LibvirtHypervisor(settings.uri(), settings.cephConf());
  }

  public String uri() {
    return uri;
  }

  @Override
  public String ensureCephSecret(CephKey key) {
    return call(
        "ensure ceph secret for client." + key.user(), c -> CephSecrets.ensure(c, key).uuid());
  }

  @Override
  public boolean removeCephSecret(CephKey key) {
    return call("remove ceph secret for client." + key.user(), c -> CephSecrets.remove(c, key));
  }

  @Override
  public DefineOutcome define(DomainSpec spec) {
    String xml = DomainXml.render(spec, cephConf);
    return call(
        "define " + spec.name(),
        c -> {
          Optional<Domain> existing = lookup(c, spec.name());
          if (existing.isEmpty()) {
            c.domainDefineXML(xml).free();
            return DefineOutcome.CREATED;
          }
          Domain d = existing.get();
          try {
            if (spec.equals(definedSpec(d))) {
              return DefineOutcome.UNCHANGED;
            }
            if (state(d).active()) {
              throw new DomainConflictException(
                  spec.name() + " runs with another spec; stop it before redefining");
            }
            c.domainDefineXML(xml).free();
            return DefineOutcome.REDEFINED;
          } finally {
            d.free();
          }
        });
  }

  @Override
  public boolean start(DomainName name) {
    return onDomain(
        "start",
        name,
        d -> {
          if (state(d).active()) {
            return false;
          }
          d.create();
          return true;
        });
  }

  @Override
  public boolean suspend(DomainName name) {
    return onDomain(
        "suspend",
        name,
        d ->
            switch (state(d)) {
              case PAUSED -> false;
              case RUNNING -> {
                d.suspend();
                yield true;
              }
              default ->
                  throw new DomainConflictException(name + " is " + state(d) + ", cannot suspend");
            });
  }

  @Override
  public boolean resume(DomainName name) {
    return onDomain(
        "resume",
        name,
        d ->
            switch (state(d)) {
              case RUNNING -> false;
              case PAUSED -> {
                d.resume();
                yield true;
              }
              default ->
                  throw new DomainConflictException(name + " is " + state(d) + ", cannot resume");
            });
  }

  @Override
  public ShutdownOutcome shutdown(DomainName name, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return onDomainIfExists(
        "shut down",
        name,
        ShutdownOutcome.ALREADY_OFF,
        d -> {
          if (!state(d).active()) {
            return ShutdownOutcome.ALREADY_OFF;
          }
          try {
            d.shutdown();
          } catch (LibvirtException e) {
            if (!state(d).active()) {
              return ShutdownOutcome.GRACEFUL; // it went down on its own meanwhile
            }
            throw e;
          }
          long deadline = System.nanoTime() + timeout.toNanos();
          while (System.nanoTime() < deadline) {
            if (!state(d).active()) {
              return ShutdownOutcome.GRACEFUL;
            }
            sleep(POLL);
          }
          return destroy(d) ? ShutdownOutcome.DESTROYED : ShutdownOutcome.GRACEFUL;
        });
  }

  @Override
  public boolean destroy(DomainName name) {
    return onDomainIfExists("destroy", name, false, LibvirtHypervisor::destroy);
  }

  private static boolean destroy(Domain d) throws LibvirtException {
    if (!state(d).active()) {
      return false;
    }
    try {
      d.destroy();
      return true;
    } catch (LibvirtException e) {
      if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_OPERATION_INVALID) && !state(d).active()) {
        return false; // stopped between our check and the call
      }
      throw e;
    }
  }

  @Override
  public boolean undefine(DomainName name) {
    return call(
        "undefine " + name,
        c -> {
          Optional<Domain> existing = lookup(c, name);
          if (existing.isEmpty()) {
            return false;
          }
          Domain d = existing.get();
          try {
            if (state(d).active()) {
              throw new DomainConflictException(name + " is running; destroy it before undefining");
            }
            d.undefine(UNDEFINE_FLAGS);
            return true;
          } catch (LibvirtException e) {
            if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) {
              return false;
            }
            throw e;
          } finally {
            d.free();
          }
        });
  }

  @Override
  public Optional<DomainState> state(DomainName name) {
    return call(
        "state of " + name,
        c -> {
          Optional<Domain> d = lookup(c, name);
          if (d.isEmpty()) {
            return Optional.empty();
          }
          try {
            return Optional.of(state(d.get()));
          } catch (LibvirtException e) {
            if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) {
              return Optional.empty();
            }
            throw e;
          } finally {
            d.get().free();
          }
        });
  }

  @Override
  public List<RbdDisk> disks(DomainName name) {
    return onDomain("disks of", name, d -> DomainXml.parseDisks(d.getXMLDesc(0)));
  }

  @Override
  public List<DomainSummary> cephflowDomains() {
    return call(
        "list domains",
        c -> {
          List<String> names = new java.util.ArrayList<>(List.of(c.listDefinedDomains()));
          for (int id : c.listDomains()) {
            try {
              Domain d = c.domainLookupByID(id);
              try {
                names.add(d.getName());
              } finally {
                d.free();
              }
            } catch (LibvirtException e) {
              if (!LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) throw e; // stopped meanwhile
            }
          }
          List<DomainSummary> out = new java.util.ArrayList<>();
          for (String n : new java.util.TreeSet<>(names)) {
            DomainName name;
            try {
              name = DomainName.parse(n);
            } catch (InvalidDomainSpecException notOurs) {
              continue;
            }
            Optional<Domain> d = lookup(c, name);
            if (d.isEmpty()) continue; // undefined meanwhile
            try {
              DomainInfo info = d.get().getInfo();
              out.add(new DomainSummary(name, state(d.get()), info.maxMem / 1024, info.nrVirtCpu));
            } catch (LibvirtException e) {
              if (!LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) throw e;
            } finally {
              d.get().free();
            }
          }
          return out;
        });
  }

  @Override
  public List<DomainEntry> domains() {
    return call(
        "list domains",
        c -> {
          List<DomainEntry> out = new java.util.ArrayList<>();
          for (org.libvirt.Domain d : c.listAllDomains(0)) {
            try {
              out.add(
                  new DomainEntry(d.getName(), d.isActive() == 1, state(d) == DomainState.PAUSED));
            } catch (LibvirtException e) {
              if (!LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN))
                throw e; // undefined meanwhile
            } finally {
              d.free();
            }
          }
          return out;
        });
  }

  @Override
  public List<String> cephSecrets() {
    return call(
        "list secrets",
        c -> {
          List<String> out = new java.util.ArrayList<>();
          for (String uuid : c.listSecrets()) {
            org.libvirt.Secret s;
            try {
              s = c.secretLookupByUUIDString(uuid);
            } catch (LibvirtException e) {
              if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_SECRET)) continue; // removed meanwhile
              throw e;
            }
            try {
              if (s.getUsageType() == org.libvirt.SecretUsageType.CEPH) out.add(s.getUsageID());
            } finally {
              s.free();
            }
          }
          return out;
        });
  }

  // --- helpers ---

  private static DomainSpec definedSpec(Domain d) throws LibvirtException {
    // VIR_DOMAIN_XML_INACTIVE: compare with the persistent definition, not the live one
    String xml = d.getXMLDesc(2);
    try {
      return DomainXml.parse(xml);
    } catch (InvalidDomainSpecException | NumberFormatException e) {
      return null; // not shaped like ours: counts as a different spec
    }
  }

  static DomainState state(Domain d) throws LibvirtException {
    DomainInfo.DomainState s = d.getInfo().state;
    return switch (s) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> DomainState.RUNNING;
      case VIR_DOMAIN_PAUSED -> DomainState.PAUSED;
      case VIR_DOMAIN_SHUTDOWN -> DomainState.SHUTTING_DOWN;
      case VIR_DOMAIN_SHUTOFF -> DomainState.SHUT_OFF;
      case VIR_DOMAIN_CRASHED -> DomainState.CRASHED;
      case VIR_DOMAIN_PMSUSPENDED -> DomainState.PM_SUSPENDED;
      case VIR_DOMAIN_NOSTATE -> DomainState.NO_STATE;
    };
  }

  private static Optional<Domain> lookup(Connect c, DomainName name) throws LibvirtException {
    try {
      return Optional.of(c.domainLookupByName(name.value()));
    } catch (LibvirtException e) {
      if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private <T> T onDomain(String what, DomainName name, DomainCall<T> body) {
    return call(
        what + " " + name,
        c -> {
          Domain d =
              lookup(c, name)
                  .orElseThrow(
                      () ->
                          new DomainNotFoundException(
                              what + " " + name + ": no such domain", null));
          try {
            return body.apply(d);
          } finally {
            d.free();
          }
        });
  }

  /** For stops, which compensations call: a domain that is gone is already stopped. */
  private <T> T onDomainIfExists(String what, DomainName name, T ifMissing, DomainCall<T> body) {
    return call(
        what + " " + name,
        c -> {
          Optional<Domain> d = lookup(c, name);
          if (d.isEmpty()) {
            return ifMissing;
          }
          try {
            return body.apply(d.get());
          } catch (LibvirtException e) {
            if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_DOMAIN)) {
              return ifMissing; // undefined between lookup and call
            }
            throw e;
          } finally {
            d.get().free();
          }
        });
  }

  private <T> T call(String what, ConnectCall<T> body) {
    Connect c = LibvirtConnections.acquire(uri);
    try {
      return body.apply(c);
    } catch (LibvirtException e) {
      // a daemon restart shows up as "client socket is closed" (an internal error):
      // whatever the code, a dead connection means unreachable, and the next call reconnects
      if (!LibvirtConnections.alive(c)) {
        LibvirtConnections.invalidate(uri, c);
        throw new HypervisorUnreachableException(
            what
                + ": connection to "
                + uri
                + " lost: "
                + (e.getError() != null ? e.getError().getMessage() : e.getMessage()),
            e);
      }
      HypervisorException translated = LibvirtErrors.translate(what, e);
      if (translated instanceof HypervisorUnreachableException) {
        LibvirtConnections.invalidate(uri, c);
      }
      throw translated;
    } finally {
      LibvirtConnections.release(c);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorOperationException(
          "interrupted while waiting for shutdown", "INTERRUPTED", e);
    }
  }

  @FunctionalInterface
  private interface ConnectCall<T> {
    T apply(Connect c) throws LibvirtException;
  }

  @FunctionalInterface
  private interface DomainCall<T> {
    T apply(Domain d) throws LibvirtException;
  }
}
