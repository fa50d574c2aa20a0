package io.cephflow.libvirt;

/**
 * A libvirt domain name cephflow owns: {@code instance-<serverId>} as in Nova. Built only from a
 * validated server id, so every name that reaches libvirt is safe.
 */
public record DomainName(String serverId) {
  static final String PREFIX = "instance-";

  public DomainName {
    serverId = Names.uuid("server id", serverId);
  }

  public static DomainName forServer(String serverId) {
    return new DomainName(serverId);
  }

  /** Parses {@code instance-<uuid>}; anything else is an invalid spec. */
  public static DomainName parse(String name) {
    if (name == null || !name.startsWith(PREFIX)) {
      throw new InvalidDomainSpecException(
          "domain name must be instance-<uuid>, got " + Names.quote(name));
    }
    return new DomainName(name.substring(PREFIX.length()));
  }

  public String value() {
    return PREFIX + serverId;
  }

  @Override
  public String toString() {
    return value();
  }
}
