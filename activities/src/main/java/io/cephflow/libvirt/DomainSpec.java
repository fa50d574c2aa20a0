package io.cephflow.libvirt;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything cephflow decides about a VM, as typed fields: the XML is derived from it by {@link
 * DomainXml} and read back from libvirt into an equal record, which is how {@link
 * Hypervisor#define} tells "same spec" from "different spec".
 *
 * @param serverId UUID; also the domain's libvirt UUID (as Nova does) and its name {@code
 *     instance-<serverId>}
 * @param consoleLog file on the hypervisor host where the serial console is written
 * @param tags extra cephflow ids stored in the domain's {@code <metadata>} (e.g. {@code image-id},
 *     {@code workflow-id})
 */
public record DomainSpec(
    String serverId,
    DomainType type,
    int vcpus,
    int memoryMiB,
    List<RbdDisk> disks,
    Path consoleLog,
    Map<String, String> tags) {

  public DomainSpec {
    serverId = Names.uuid("server id", serverId);
    if (type == null) {
      throw new InvalidDomainSpecException("domain type is required");
    }
    if (vcpus < 1 || vcpus > 64) {
      throw new InvalidDomainSpecException("vcpus must be 1..64, got " + vcpus);
    }
    if (memoryMiB < 16 || memoryMiB > 1024 * 1024) {
      throw new InvalidDomainSpecException("memory must be 16 MiB..1 TiB, got " + memoryMiB);
    }
    if (disks == null || disks.isEmpty() || disks.size() > 26) {
      throw new InvalidDomainSpecException("a domain needs 1..26 RBD disks");
    }
    disks = List.copyOf(disks);
    Names.absolutePath("console log", consoleLog);
    TreeMap<String, String> sorted = new TreeMap<>();
    if (tags != null) {
      tags.forEach((k, v) -> sorted.put(Names.tagKey(k), Names.tagValue(k, v)));
    }
    tags = java.util.Collections.unmodifiableMap(sorted);
  }

  public DomainName name() {
    return DomainName.forServer(serverId);
  }
}
