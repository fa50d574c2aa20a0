package io.cephflow.worker.faults;

import io.cephflow.workflows.connection.TemporalConnection;
import io.temporal.testserver.TestServer;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Test-only parts of a worker, on the test classpath only (never in the production jar): they reach
 * a worker started from the tests' classpath, in process ({@code CephflowStack}) or as a process
 * ({@code CrashHarness}), through {@code META-INF/spring/...AutoConfiguration.imports} in the test
 * resources.
 *
 * <ul>
 *   <li>{@code cephflow.faults.kill}: the {@link KillSwitch} rules at which the worker SIGKILLs
 *       itself;
 *   <li>{@code cephflow.faults.gate-dir}: the {@link StepGate} that holds chosen steps of chosen
 *       flows until the test lets them through;
 *   <li>{@code cephflow.faults.hold=true}: the {@link StepHold} the terminate matrix stops flows
 *       at;
 *   <li>{@code cephflow.faults.hold-dir}: the {@link ProcessStepHold} the kill matrix stops flows
 *       at in a worker process;
 *   <li>{@code cephflow.temporal.embedded=true}: Temporal's Java test server in the worker's
 *       process, on {@code cephflow.temporal.embedded-port} (no persistence).
 * </ul>
 */
@AutoConfiguration
public class FaultsAutoConfiguration {
  @Bean
  @ConditionalOnProperty(prefix = "cephflow.faults", name = "kill")
  KillSwitchInterceptor killSwitchInterceptor(
      @Value("${cephflow.faults.kill}") List<String> rules) {
    KillSwitch kill = KillSwitch.parse(rules);
    LoggerFactory.getLogger(FaultsAutoConfiguration.class)
        .warn(
            "FAULT INJECTION ARMED: this worker kills itself at {} (crash tests only)",
            kill.rules());
    return new KillSwitchInterceptor(kill);
  }

  @Bean
  @ConditionalOnProperty(prefix = "cephflow.faults", name = "gate-dir")
  StepGateInterceptor stepGateInterceptor(@Value("${cephflow.faults.gate-dir}") String dir) {
    LoggerFactory.getLogger(FaultsAutoConfiguration.class)
        .warn("FAULT INJECTION ARMED: steps named in {}/rules are held (fault tests only)", dir);
    return new StepGateInterceptor(new StepGate(java.nio.file.Path.of(dir)));
  }

  /** {@code cephflow.faults.hold=true}: the terminate matrix's {@link StepHold}. */
  @Bean
  @ConditionalOnProperty(prefix = "cephflow.faults", name = "hold", havingValue = "true")
  StepHold stepHold() {
    LoggerFactory.getLogger(FaultsAutoConfiguration.class)
        .warn("STEP HOLD ARMED: tracked flows stop after a chosen activity (tests only)");
    return new StepHold();
  }

  /** {@code cephflow.faults.hold-dir}: the kill matrix's {@link ProcessStepHold}. */
  @Bean
  @ConditionalOnProperty(prefix = "cephflow.faults", name = "hold-dir")
  ProcessStepHold processStepHold(@Value("${cephflow.faults.hold-dir}") String dir) {
    LoggerFactory.getLogger(FaultsAutoConfiguration.class)
        .warn("STEP HOLD ARMED: flows tracked in {}/track stop after a chosen activity", dir);
    return new ProcessStepHold(java.nio.file.Path.of(dir));
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "cephflow.temporal", name = "embedded", havingValue = "true")
  TestServer.PortBoundTestServer embeddedTemporal(
      @Value("${cephflow.temporal.embedded-port:7233}") int port) {
    LoggerFactory.getLogger(FaultsAutoConfiguration.class)
        .warn(
            "starting the embedded Temporal test server on port {}: state is lost when this process stops",
            port);
    return TestServer.createPortBoundServer(port, true /* real time, no skipping */);
  }

  /** Primary: the worker's own (from cephflow.temporal.target) is made too, and loses. */
  @Bean
  @org.springframework.context.annotation.Primary
  @ConditionalOnProperty(prefix = "cephflow.temporal", name = "embedded", havingValue = "true")
  TemporalConnection embeddedTemporalConnection(
      TestServer.PortBoundTestServer server,
      @Value("${cephflow.temporal.embedded-port:7233}") int port,
      @Value("${cephflow.temporal.namespace:default}") String namespace) {
    return TemporalConnection.plain("127.0.0.1:" + port, namespace);
  }
}
