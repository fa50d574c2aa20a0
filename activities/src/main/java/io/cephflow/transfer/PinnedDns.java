package io.cephflow.transfer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The HTTP client's resolver: it answers only for the host we vetted, with the addresses we vetted.
 * A second lookup could get another answer (DNS rebinding: public when checked, 169.254.169.254
 * when connected), so there is none.
 */
final class PinnedDns implements DnsResolver {
  private final String host;
  private final List<InetAddress> addresses;

  PinnedDns(String host, List<InetAddress> addresses) {
    this.host = bare(host);
    this.addresses = List.copyOf(addresses);
  }

  @Override
  public InetAddress[] resolve(String name) throws UnknownHostException {
    if (!bare(name).equals(host))
      throw new UnknownHostException(name + " was not vetted (only " + host + " was)");
    return addresses.toArray(InetAddress[]::new);
  }

  @Override
  public List<InetSocketAddress> resolve(String name, int port) throws UnknownHostException {
    return List.of(resolve(name)).stream().map(a -> new InetSocketAddress(a, port)).toList();
  }

  /** No reverse lookup either: the name stays the one that was vetted. */
  @Override
  public String resolveCanonicalHostname(String name) throws UnknownHostException {
    resolve(name);
    return name;
  }

  /** An IPv6 literal comes with brackets from a URI and without them from the client. */
  private static String bare(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.startsWith("[") && n.endsWith("]") ? n.substring(1, n.length() - 1) : n;
  }
}
