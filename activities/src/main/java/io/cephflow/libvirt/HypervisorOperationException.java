package io.cephflow.libvirt;

/**
 * libvirt or qemu tried and failed (for instance qemu could not open an RBD disk because the Ceph
 * monitor did not answer). {@link #libvirtCode()} is libvirt's error number name, for logs and for
 * policies that need it.
 */
public final class HypervisorOperationException extends HypervisorException {
  private final String libvirtCode;

  public HypervisorOperationException(String message, String libvirtCode, Throwable cause) {
    super(message, cause);
    this.libvirtCode = libvirtCode;
  }

  public String libvirtCode() {
    return libvirtCode;
  }
}
