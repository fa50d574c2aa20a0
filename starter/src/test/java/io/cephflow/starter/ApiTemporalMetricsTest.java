package io.cephflow.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.connection.TemporalConnection;
import io.cephflow.workflows.connection.TemporalMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.testserver.TestServer;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The API's Temporal client reports its requests into the API's registry, trimmed like the
 * worker's.
 */
class ApiTemporalMetricsTest {
  @Test
  void theApisTemporalRequestsShowInItsScrape() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port, true)) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.config().meterFilter(TemporalMetrics.filter());
      var props =
          new ApiTemporalProperties(
              "127.0.0.1:" + port,
              "default",
              Duration.ofSeconds(5),
              new TemporalConnection.Tls(false, null, null, null, null),
              null,
              null);
      var stubs = new ApiConfig().apiServiceStubs(props, registry, Duration.ofMillis(50));
      try {
        stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        String scrape = "";
        for (int i = 0; i < 100 && !scrape.contains("temporal_request_total"); i++) {
          Thread.sleep(50); // the scope reports every 50 ms here
          scrape = registry.scrape();
        }
        assertThat(scrape)
            .contains("temporal_request_total{")
            .contains("operation=\"GetSystemInfo\"")
            .doesNotContain("signal_name=", "query_type=");
      } finally {
        stubs.shutdownNow();
      }
    }
  }
}
