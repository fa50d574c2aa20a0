package io.cephflow.libvirt;

import java.util.Base64;

/**
 * A cephx user and its key as a keyring prints it (base64). libvirt must be given the decoded
 * bytes: the base64 text stored as the value makes qemu fail "Invalid argument".
 */
public record CephKey(String user, String base64Key) {
  public CephKey {
    Names.cephName("cephx user", user);
    if (base64Key == null || decode(base64Key).length == 0) {
      throw new InvalidDomainSpecException("cephx key of " + user + " is empty");
    }
  }

  byte[] bytes() {
    return decode(base64Key);
  }

  /** libvirt's usage name for this user's secret, also how we find it again. */
  String usageName() {
    return "client." + user + " secret";
  }

  private static byte[] decode(String key) {
    try {
      return Base64.getDecoder().decode(key.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidDomainSpecException("cephx key is not base64");
    }
  }

  @Override
  public String toString() {
    return "CephKey[user=" + user + ", key=<redacted>]";
  }
}
