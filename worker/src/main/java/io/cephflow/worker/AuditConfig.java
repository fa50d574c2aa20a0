package io.cephflow.worker;

import io.cephflow.audit.AuditActivitiesImpl;
import io.cephflow.audit.AuditSettings;
import io.cephflow.audit.HostAuditActivitiesImpl;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RecordStore;
import io.cephflow.ceph.librbd.CephCluster;
import io.cephflow.ceph.librbd.LibrbdAges;
import io.cephflow.libvirt.LibvirtHypervisor;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The leak auditor: its Ceph steps on the storage queue (found by TemporalConfig as a {@code
 * CephflowActivities}), its host steps on this host's queue, and the schedule.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfig {
  @Bean
  AuditActivitiesImpl auditActivities(
      Rbd rbd,
      CephCluster cluster,
      RecordStore records,
      WorkflowClient temporal,
      AuditProperties props,
      LibvirtProperties host) {
    List<String> hosts = props.hosts().isEmpty() ? List.of(host.host()) : props.hosts();
    return new AuditActivitiesImpl(
        rbd,
        new LibrbdAges(cluster),
        records,
        new OperationLiveness(temporal),
        new RunningOperations(temporal, Clock.systemUTC()),
        new AuditSettings(props.minimumAge(), hosts),
        Clock.systemUTC());
  }

  /** Registered before the factory starts (on ApplicationReadyEvent, in TemporalConfig). */
  @Bean
  HostAuditActivitiesImpl hostAuditActivities(
      WorkerFactory factory,
      LibvirtProperties host,
      ScratchArea scratch,
      RecordStore records,
      ObjectProvider<LibvirtHypervisor> hypervisor) {
    LibvirtHypervisor libvirt = host.enabled() ? hypervisor.getIfAvailable() : null;
    var activities =
        new HostAuditActivitiesImpl(
            host.host(),
            libvirt,
            libvirt,
            host.domain().consoleDir().toAbsolutePath().normalize(),
            scratch.dir(),
            records);
    factory.getWorker(TaskQueues.host(host.host())).registerActivitiesImplementations(activities);
    return activities;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void ensureSchedule(ApplicationReadyEvent event) {
    var ctx = event.getApplicationContext();
    AuditSchedule.ensure(ctx.getBean(WorkflowClient.class), ctx.getBean(AuditProperties.class));
  }
}
