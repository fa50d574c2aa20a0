package io.cephflow.libvirt;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Validation of every string that ends up in libvirt XML or a libvirt call. Values are escaped by
 * the XML writer anyway; these checks exist so that nothing surprising (a slash in an image name, a
 * newline in a user, a relative path) reaches libvirt or qemu's option parser, which has its own
 * quoting rules.
 */
final class Names {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  // RBD pool/image and cephx user names: what Ceph itself accepts, minus anything
  // qemu's "rbd:" syntax treats specially (':', '@', '/', '=').
  private static final Pattern CEPH_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
  private static final Pattern TAG_KEY = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private Names() {}

  static String uuid(String what, String value) {
    if (value == null || !UUID.matcher(value).matches()) {
      throw new InvalidDomainSpecException(what + " must be a UUID, got " + quote(value));
    }
    return value.toLowerCase(java.util.Locale.ROOT);
  }

  static String cephName(String what, String value) {
    if (value == null || !CEPH_NAME.matcher(value).matches()) {
      throw new InvalidDomainSpecException(
          what + " must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, got " + quote(value));
    }
    return value;
  }

  static String host(String value) {
    if (value == null || !HOST.matcher(value).matches()) {
      throw new InvalidDomainSpecException(
          "monitor host must be a host name or IP, got " + quote(value));
    }
    return value;
  }

  static String tagKey(String value) {
    if (value == null || !TAG_KEY.matcher(value).matches()) {
      throw new InvalidDomainSpecException(
          "metadata key must match [a-z][a-z0-9-]{0,62}, got " + quote(value));
    }
    return value;
  }

  static String tagValue(String key, String value) {
    if (value == null || value.length() > 1024 || value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidDomainSpecException(
          "metadata value of " + key + " must be 1 line of at most 1024 chars");
    }
    return value;
  }

  /** An absolute, normalised path without control characters (it lands in qemu's argv). */
  static Path absolutePath(String what, Path value) {
    if (value == null
        || !value.isAbsolute()
        || !value.normalize().equals(value)
        || value.toString().chars().anyMatch(c -> Character.isISOControl(c) || c == ',')) {
      throw new InvalidDomainSpecException(
          what
              + " must be an absolute normalised path without ',' or control characters, got "
              + quote(value));
    }
    return value;
  }

  static String quote(Object value) {
    if (value == null) {
      return "null";
    }
    String s = value.toString();
    if (s.length() > 80) {
      s = s.substring(0, 80) + "...";
    }
    return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
