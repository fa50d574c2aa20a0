package io.cephflow.transfer;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a URL source may connect to: never link-local or cloud metadata, private and
 * loopback only when the policy allows them (the dev profile).
 */
final class AddressPolicy {
  private final SourcePolicy policy;

  AddressPolicy(SourcePolicy policy) {
    this.policy = policy;
  }

  /** Why {@code a} may not be connected to, or null when it may. */
  String forbidden(InetAddress a) {
    byte[] b = a.getAddress();
    if (a.isLinkLocalAddress()) return "a link-local address (cloud metadata lives there)";
    if (a instanceof Inet6Address
        && (b[0] & 0xff) == 0xfd
        && (b[1] & 0xff) == 0x00
        && (b[2] & 0xff) == 0x0e
        && (b[3] & 0xff) == 0xc2) {
      return "a cloud metadata address";
    }
    if (a.isAnyLocalAddress() || a.isMulticastAddress()) return "not a host address";
    if (a.isLoopbackAddress())
      return policy.allowLoopback() ? null : "loopback, which is not allowed";
    boolean uniqueLocal6 = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    if (a.isSiteLocalAddress() || uniqueLocal6 || cgnat) {
      return policy.allowPrivateNetworks() ? null : "a private address, which is not allowed";
    }
    return null;
  }
}
