package io.cephflow.libvirt;

/**
 * The request contradicts the domain's current state: redefining a running domain with another
 * spec, suspending one that is shut off, undefining one that still runs.
 */
public final class DomainConflictException extends HypervisorException {
  public DomainConflictException(String message) {
    super(message, null);
  }
}
