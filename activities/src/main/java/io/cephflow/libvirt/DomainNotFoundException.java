package io.cephflow.libvirt;

/** The domain (or secret) named does not exist on that hypervisor. */
public final class DomainNotFoundException extends HypervisorException {
  public DomainNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
