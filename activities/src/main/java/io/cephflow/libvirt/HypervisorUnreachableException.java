package io.cephflow.libvirt;

/** libvirtd could not be reached or the connection broke: transient, worth retrying. */
public final class HypervisorUnreachableException extends HypervisorException {
  public HypervisorUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
