package io.cephflow.starter;

import io.cephflow.ceph.CephConfig;
import io.cephflow.starter.api.SourceGate;
import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.Hypervisors;
import io.cephflow.starter.client.ResourceReader;
import io.cephflow.workflows.connection.TemporalConnection;
import io.cephflow.workflows.connection.TemporalMetrics;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Temporal client the API starts and watches flows with. */
@Configuration(proxyBeanMethods = false)
@org.springframework.boot.context.properties.EnableConfigurationProperties({
  io.cephflow.starter.api.ApiLimits.class,
  SourceGate.Settings.class,
  ApiTemporalProperties.class
})
public class ApiConfig {
  @Bean(destroyMethod = "shutdown")
  WorkflowServiceStubs apiServiceStubs(
      ApiTemporalProperties props,
      io.micrometer.core.instrument.MeterRegistry registry,
      @Value("${cephflow.metrics.report-every:10s}") Duration every) {
    TemporalConnection connection = props.connection();
    LoggerFactory.getLogger(ApiConfig.class)
        .info("cephflow API talks to Temporal at {}", connection.describe());
    // a caller waits at most this long for an unreachable Temporal before its 503 (repeat the
    // request)
    RpcRetryOptions retry =
        RpcRetryOptions.newBuilder()
            .setExpiration(props.rpcRetryExpiration())
            .validateBuildWithDefaults();
    return WorkflowServiceStubs.newServiceStubs(
        connection
            .applyTo(WorkflowServiceStubsOptions.newBuilder())
            .setRpcRetryOptions(retry)
            .setMetricsScope(TemporalMetrics.scope(registry, every))
            .build());
  }

  /** The client's Temporal series (requests, latencies), trimmed as the worker's are. */
  @Bean
  io.micrometer.core.instrument.config.MeterFilter temporalMeterFilter() {
    return TemporalMetrics.filter();
  }

  /**
   * The reads' Ceph client: the same settings (and environment) as the worker's; connects on first
   * read.
   */
  @Bean(destroyMethod = "close")
  ResourceReader resourceReader(
      @Value("${cephflow.ceph.conf:/etc/ceph/ceph.conf}") Path conf,
      @Value("${cephflow.ceph.client:cephflow}") String client,
      @Value("${cephflow.ceph.keyring:}") String keyring,
      @Value("${cephflow.ceph.mount-timeout:10s}") Duration mountTimeout) {
    return new ResourceReader(
        new CephConfig(
            conf,
            client,
            keyring.isBlank() ? null : Path.of(keyring),
            mountTimeout,
            Duration.ofSeconds(30)));
  }

  /** Readiness: one GetSystemInfo round trip through the frontend, with the API's TLS and key. */
  @Bean
  AbstractHealthIndicator temporalHealthIndicator(
      WorkflowServiceStubs stubs, ApiTemporalProperties props) {
    return new AbstractHealthIndicator("Temporal health check failed") {
      @Override
      protected void doHealthCheck(Health.Builder builder) {
        var temporal = TemporalConnection.reach(stubs, Duration.ofSeconds(5));
        if (temporal.up()) {
          builder
              .up()
              .withDetail("namespace", props.namespace())
              .withDetail("serverVersion", temporal.detail());
        } else {
          builder.down().withDetail("error", temporal.detail());
        }
      }
    };
  }

  @Bean
  WorkflowClient apiWorkflowClient(WorkflowServiceStubs stubs, ApiTemporalProperties props) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(props.namespace()).build());
  }

  @Bean
  CephflowClient cephflowClient(WorkflowClient temporal) {
    return new CephflowClient(temporal);
  }

  @Bean
  SourceGate sourceGate(SourceGate.Settings settings) {
    return new SourceGate(settings);
  }

  @Bean
  Hypervisors hypervisors(WorkflowClient temporal) {
    return new Hypervisors(temporal, Clock.systemUTC());
  }

  @Bean
  io.cephflow.starter.client.ServerHosts serverHosts(
      WorkflowClient temporal, io.cephflow.starter.client.ResourceReader reader) {
    return new io.cephflow.starter.client.ServerHosts(temporal, reader, Clock.systemUTC());
  }
}
