package io.cephflow.libvirt;

/**
 * Base of the few failures the hypervisor port reports. libvirt errors are translated into these
 * once, in {@link LibvirtErrors}, so callers (activities) can decide retryable vs. not by type,
 * never by message text.
 */
public abstract class HypervisorException extends RuntimeException {
  protected HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
