package io.cephflow.libvirt;

import java.util.Arrays;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.Secret;
import org.libvirt.SecretUsageType;

/**
 * Libvirt secrets of usage type {@code ceph}, one per cephx user, found again by usage name ({@code
 * client.<user> secret}) so that ensuring is idempotent: same usage → same UUID, value rewritten
 * only when it differs. Non-private, as Nova defines them, so the value can be compared; reading it
 * needs a read-write (root) connection anyway.
 */
final class CephSecrets {
  private CephSecrets() {}

  /** Returns the secret's UUID and whether anything was created or changed. */
  static Ensured ensure(Connect conn, CephKey key) throws LibvirtException {
    Optional<Secret> existing = find(conn, key);
    Secret secret;
    boolean changed = false;
    if (existing.isPresent()) {
      secret = existing.get();
    } else {
      secret = conn.secretDefineXML(xml(key));
      changed = true;
    }
    try {
      byte[] wanted = key.bytes();
      if (!Arrays.equals(currentValue(secret), wanted)) {
        // the byte[] overload: the String one would store the base64 text itself
        secret.setValue(wanted);
        changed = true;
      }
      return new Ensured(secret.getUUIDString(), changed);
    } finally {
      secret.free();
    }
  }

  /** Removes the user's secret; missing is success. */
  static boolean remove(Connect conn, CephKey key) throws LibvirtException {
    Optional<Secret> existing = find(conn, key);
    if (existing.isEmpty()) {
      return false;
    }
    try {
      existing.get().undefine();
      return true;
    } catch (LibvirtException e) {
      if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_SECRET)) {
        return false;
      }
      throw e;
    } finally {
      existing.get().free();
    }
  }

  static Optional<Secret> find(Connect conn, CephKey key) throws LibvirtException {
    for (String uuid : conn.listSecrets()) {
      Secret s;
      try {
        s = conn.secretLookupByUUIDString(uuid);
      } catch (LibvirtException e) {
        if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_SECRET)) {
          continue; // removed between list and lookup
        }
        throw e;
      }
      if (s.getUsageType() == SecretUsageType.CEPH && key.usageName().equals(s.getUsageID())) {
        return Optional.of(s);
      }
      s.free();
    }
    return Optional.empty();
  }

  private static byte[] currentValue(Secret secret) throws LibvirtException {
    try {
      return secret.getByteValue();
    } catch (LibvirtException e) {
      if (LibvirtErrors.is(e, ErrorNumber.VIR_ERR_NO_SECRET)) {
        return null; // defined but never given a value
      }
      throw e;
    }
  }

  private static String xml(CephKey key) {
    return DomainXml.cephSecret(key.usageName());
  }

  record Ensured(String uuid, boolean changed) {}
}
