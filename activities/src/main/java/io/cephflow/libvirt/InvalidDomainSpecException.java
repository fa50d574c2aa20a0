package io.cephflow.libvirt;

/**
 * The request is malformed: refused by our own validation before libvirt saw it, or rejected by
 * libvirt as invalid XML/configuration. Never worth retrying.
 */
public final class InvalidDomainSpecException extends HypervisorException {
  public InvalidDomainSpecException(String message) {
    super(message, null);
  }

  public InvalidDomainSpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
