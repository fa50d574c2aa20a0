package io.cephflow.libvirt;

/**
 * cephx identity of a disk: the user without the {@code client.} prefix (as libvirt's {@code <auth
 * username=…>} wants it) and the UUID of the libvirt secret holding its key (see {@link
 * Hypervisor#ensureCephSecret}).
 */
public record CephAuth(String user, String secretUuid) {
  public CephAuth {
    Names.cephName("cephx user", user);
    secretUuid = Names.uuid("secret uuid", secretUuid);
  }
}
