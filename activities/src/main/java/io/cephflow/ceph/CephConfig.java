package io.cephflow.ceph;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach the cluster. Timeouts matter: with librados' defaults a client whose monitor is
 * unreachable waits 300 s, and an OSD op never times out.
 */
public record CephConfig(
    Path confFile, String clientId, Path keyring, Duration mountTimeout, Duration osdOpTimeout) {
  public CephConfig {
    if (confFile == null) throw new IllegalArgumentException("ceph conf file is required");
    if (clientId == null || clientId.isBlank()) clientId = "cephflow";
    if (mountTimeout == null) mountTimeout = Duration.ofSeconds(15);
    if (osdOpTimeout == null) osdOpTimeout = Duration.ofSeconds(60);
  }

  /** From CEPHFLOW_CEPH_CONF / _CLIENT / _KEYRING, as the dev scripts print them. */
  public static CephConfig fromEnv() {
    String conf = System.getenv("CEPHFLOW_CEPH_CONF");
    if (conf == null) {
      throw new IllegalStateException(
          "CEPHFLOW_CEPH_CONF is not set: start the dev cluster with "
              + "dev/ceph.sh up and eval \"$(dev/ceph.sh env)\"");
    }
    String keyring = System.getenv("CEPHFLOW_CEPH_KEYRING");
    return new CephConfig(
        Path.of(conf),
        System.getenv("CEPHFLOW_CEPH_CLIENT"),
        keyring == null ? null : Path.of(keyring),
        null,
        null);
  }
}
