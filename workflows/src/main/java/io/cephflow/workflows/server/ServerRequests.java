package io.cephflow.workflows.server;

import io.cephflow.workflows.common.Ids;
import java.util.regex.Pattern;

/** Checks shared by the server requests. */
public final class ServerRequests {
  /** The hypervisor a request names when it names none: the single-host default. */
  public static final String DEFAULT_HYPERVISOR = "local";

  private static final Pattern HYPERVISOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");
  static final int MAX_VCPUS = 64;
  static final int MAX_MEMORY_MIB = 1024 * 1024;

  private ServerRequests() {}

  static String hypervisor(String name) {
    return name == null || name.isBlank() ? DEFAULT_HYPERVISOR : name;
  }

  /** Throws IllegalArgumentException with a reason a person can act on. */
  static void validate(String serverId, String hypervisor, int vcpus, int memoryMiB) {
    Ids.require("serverId", serverId);
    if (!HYPERVISOR.matcher(hypervisor(hypervisor)).matches()) {
      throw new IllegalArgumentException(
          "hypervisor must match " + HYPERVISOR + ", got '" + hypervisor + "'");
    }
    if (vcpus < 0 || vcpus > MAX_VCPUS)
      throw new IllegalArgumentException("vcpus must be 1.." + MAX_VCPUS + " (0: default)");
    if (memoryMiB != 0 && (memoryMiB < 16 || memoryMiB > MAX_MEMORY_MIB)) {
      throw new IllegalArgumentException(
          "memoryMiB must be 16.." + MAX_MEMORY_MIB + " (0: default)");
    }
  }
}
