package io.cephflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.libvirt.CephMonitor;
import java.util.List;
import org.junit.jupiter.api.Test;

class HypervisorMonitorsTest {
  @Test
  void librados_mon_hostGivesQemuEveryAddress() {
    assertThat(HypervisorConfig.monitors(List.of(), "[v2:127.0.0.1:3300,v1:127.0.0.1:6789]"))
        .containsExactly(new CephMonitor("127.0.0.1", 3300), new CephMonitor("127.0.0.1", 6789));
    assertThat(HypervisorConfig.monitors(List.of(), "10.0.0.1:6789,10.0.0.2:6789"))
        .containsExactly(new CephMonitor("10.0.0.1", 6789), new CephMonitor("10.0.0.2", 6789));
  }

  @Test
  void configuredMonitorsWinAndAnEmptyMonHostIsAClearError() {
    assertThat(HypervisorConfig.monitors(List.of("ceph-mon-a:3300"), "[v2:127.0.0.1:3300]"))
        .containsExactly(new CephMonitor("ceph-mon-a", 3300));
    assertThatThrownBy(() -> HypervisorConfig.monitors(List.of(), ""))
        .hasMessageContaining("cephflow.libvirt.monitors");
    assertThatThrownBy(() -> HypervisorConfig.monitors(List.of("no-port"), null))
        .hasMessageContaining("host:port");
  }
}
