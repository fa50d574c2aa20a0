package io.cephflow.libvirt;

import org.libvirt.Error;
import org.libvirt.LibvirtException;

/** The one place libvirt's error numbers become cephflow's exception types. */
final class LibvirtErrors {
  private LibvirtErrors() {}

  static HypervisorException translate(String what, LibvirtException e) {
    Error error = e.getError();
    Error.ErrorNumber code = error == null ? Error.ErrorNumber.VIR_ERR_UNKNOWN : error.getCode();
    String detail =
        error == null || error.getMessage() == null ? e.getMessage() : error.getMessage();
    String message = what + ": " + detail;
    return switch (code) {
      case VIR_ERR_NO_DOMAIN, VIR_ERR_NO_SECRET -> new DomainNotFoundException(message, e);
      case VIR_ERR_XML_ERROR,
          VIR_ERR_XML_DETAIL,
          VIR_ERR_XML_INVALID_SCHEMA,
          VIR_ERR_INVALID_ARG,
          VIR_ERR_CONFIG_UNSUPPORTED,
          VIR_ERR_NO_SOURCE,
          VIR_ERR_OS_TYPE ->
          new InvalidDomainSpecException(message, e);
      case VIR_ERR_NO_CONNECT,
          VIR_ERR_INVALID_CONN,
          VIR_ERR_RPC,
          VIR_ERR_AUTH_FAILED,
          VIR_ERR_AUTH_UNAVAILABLE,
          VIR_ERR_AUTH_CANCELLED,
          VIR_ERR_SSH,
          VIR_ERR_LIBSSH,
          VIR_ERR_NO_SERVER,
          VIR_ERR_UNKNOWN_HOST ->
          new HypervisorUnreachableException(message, e);
      default -> new HypervisorOperationException(message, code.name(), e);
    };
  }

  static boolean is(LibvirtException e, Error.ErrorNumber code) {
    return e.getError() != null && e.getError().getCode() == code;
  }
}
