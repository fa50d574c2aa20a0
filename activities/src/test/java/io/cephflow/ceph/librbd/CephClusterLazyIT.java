package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.RbdException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lazy handle whose monitor cannot be reached: made at once, each use fails as TIMED_OUT after
 * the mount timeout, and the first use after the monitor is reachable connects. The dev cluster is
 * never stopped: the handle's ceph.conf names a loopback port nothing listens on, then the real
 * monitors (each connect attempt reads the file again).
 */
class CephClusterLazyIT {
  @TempDir Path dir;

  @Test
  void aHandleMadeWhileNoMonitorAnswersConnectsOnTheFirstUseAfterItDoes() throws Exception {
    CephConfig real = CephConfig.fromEnv();
    String conf = Files.readString(real.confFile());
    int unused;
    try (ServerSocket s = new ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    Path file = dir.resolve("ceph.conf");
    Files.writeString(
        file, conf.replaceAll("(?m)^mon_host\\s*=.*$", "mon_host = v2:127.0.0.1:" + unused));
    CephConfig config =
        new CephConfig(file, real.clientId(), real.keyring(), Duration.ofSeconds(2), null);

    try (CephCluster cluster = CephCluster.lazy(config)) {
      assertThat(cluster.isConnected()).isFalse();
      assertThat(cluster.conf("mon_host"))
          .as("read from the file, no connect")
          .contains(":" + unused);
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> cluster.pool("images"))
            .isInstanceOfSatisfying(
                RbdException.class,
                e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.TIMED_OUT));
      }
      assertThat(cluster.isConnected()).isFalse();

      Files.writeString(file, conf);
      try (CephCluster.Pool pool = cluster.pool("images")) {
        assertThat(pool.objects("cephflow-lazy-it")).isEmpty();
      }
      assertThat(cluster.isConnected()).isTrue();
      assertThat(cluster.fsid()).isNotBlank();
    }
  }

  @Test
  void aMissingConfigurationFileStillFailsAtOnce() {
    CephConfig real = CephConfig.fromEnv();
    CephConfig config =
        new CephConfig(
            Path.of("/nonexistent/ceph.conf"), real.clientId(), real.keyring(), null, null);
    assertThatThrownBy(() -> CephCluster.lazy(config))
        .isInstanceOf(RbdException.class)
        .hasMessageContaining("/nonexistent/ceph.conf");
  }
}
