package io.cephflow.worker;

import io.cephflow.activities.ConvertActivitiesImpl;
import io.cephflow.ceph.Rbd;
import io.cephflow.intake.ImageConverter;
import io.cephflow.intake.ImageIntake;
import io.cephflow.intake.format.InspectionPolicy;
import io.cephflow.intake.qemu.ProcessQemuImg;
import io.cephflow.intake.qemu.QemuImg;
import io.cephflow.transfer.ScratchArea;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Untrusted image intake: the scratch area, the inspector + qemu gate, and conversion. */
@Configuration(proxyBeanMethods = false)
public class IntakeConfig {
  @Bean
  ScratchArea scratchArea(WorkerProperties props) {
    var intake = props.intake();
    return new ScratchArea(
        intake.scratch(),
        new ScratchArea.Reserve(intake.scratchReserve().toBytes(), intake.scratchReservePercent()));
  }

  @Bean
  io.cephflow.worker.metrics.ScratchMetrics scratchMetrics(ScratchArea scratch) {
    return new io.cephflow.worker.metrics.ScratchMetrics(scratch);
  }

  @Bean(destroyMethod = "close")
  ScratchSweeper scratchSweeper(ScratchArea scratch, WorkerProperties props) {
    return new ScratchSweeper(scratch, props.intake().scratchMaxAge()).start();
  }

  @Bean
  QemuImg qemuImg() {
    return new ProcessQemuImg();
  }

  @Bean
  ImageIntake imageIntake(WorkerProperties props, QemuImg qemu) {
    return new ImageIntake(
        InspectionPolicy.defaults().withMaxVirtualSize(props.intake().maxVirtualSize().toBytes()),
        qemu);
  }

  @Bean
  ConvertActivitiesImpl convertActivities(
      Rbd rbd, ImageIntake intake, QemuImg qemu, ScratchArea scratch) {
    return new ConvertActivitiesImpl(
        new ImageConverter(rbd, intake, qemu, scratch), rbd.metadata());
  }
}
