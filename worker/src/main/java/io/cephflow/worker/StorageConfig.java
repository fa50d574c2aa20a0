package io.cephflow.worker;

import io.cephflow.activities.ImportActivitiesImpl;
import io.cephflow.activities.ResourceActivitiesImpl;
import io.cephflow.activities.StorageActivitiesImpl;
import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.ImageFeature;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.Librbd;
import io.cephflow.ceph.librbd.RadosRecordStore;
import io.cephflow.intake.ImageIntake;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.transfer.SourcePolicy;
import io.cephflow.transfer.Sources;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Ceph cluster handle (one per process), the RBD port and the activities over it. */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {
  @Bean(destroyMethod = "close")
  CephCluster cephCluster(WorkerProperties props) {
    var c = props.ceph();
    // lazy: a monitor down at start leaves the worker up and not ready (readiness), not dead
    return CephCluster.lazy(
        new CephConfig(c.conf(), c.client(), c.keyring(), c.mountTimeout(), c.osdOpTimeout()));
  }

  @Bean
  Rbd rbd(CephCluster cluster, WorkerProperties props) {
    return Librbd.over(cluster, props.ceph().aioDepth());
  }

  @Bean
  RecordStore recordStore(CephCluster cluster) {
    return new RadosRecordStore(cluster);
  }

  @Bean
  ResourceActivitiesImpl resourceActivities(RecordStore records, WorkflowClient temporal) {
    return new ResourceActivitiesImpl(records, Clock.systemUTC(), new OperationLiveness(temporal));
  }

  @Bean
  Sources sources(WorkerProperties props) {
    var s = props.sources();
    return new Sources(
        new SourcePolicy(
            s.localRoots(),
            Set.of("http", "https"),
            s.allowPrivateNetworks(),
            s.allowLoopback(),
            s.maxSize().toBytes(),
            s.connectTimeout(),
            s.readTimeout(),
            s.maxRedirects()));
  }

  @Bean
  StorageActivitiesImpl storageActivities(Rbd rbd) {
    return new StorageActivitiesImpl(rbd, ImageFeature.defaults());
  }

  @Bean
  ImportActivitiesImpl importActivities(
      Sources sources, Rbd rbd, ScratchArea scratch, ImageIntake intake, LibvirtProperties host) {
    return new ImportActivitiesImpl(sources, rbd, scratch, intake, TaskQueues.host(host.host()));
  }

  /**
   * Readiness: one OSD round trip without a listing, the read of a record that never exists (a
   * getxattr in the {@code images} pool's {@code cephflow} namespace, answered ENOENT): the
   * cluster, the pool and this client's caps on it all answered.
   */
  @Bean
  AbstractHealthIndicator cephHealthIndicator(RecordStore records) {
    BoundedCheck bounded = new BoundedCheck("ceph", Duration.ofSeconds(5));
    return new AbstractHealthIndicator("Ceph health check failed") {
      @Override
      protected void doHealthCheck(Health.Builder builder) throws Exception {
        bounded.run(() -> records.read(RbdRef.IMAGES, PROBE_KEY));
        builder.up().withDetail("pool", RbdRef.IMAGES);
      }
    };
  }

  /** A record key no resource ever has (keys are {@code <kind>.<uuid>}). */
  static final String PROBE_KEY = "health.probe";
}
