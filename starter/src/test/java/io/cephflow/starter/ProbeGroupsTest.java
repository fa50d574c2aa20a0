package io.cephflow.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testserver.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The API's probes: readiness follows Temporal (a GetSystemInfo round trip), liveness does not, so
 * a Temporal outage takes the API out of the Service without restarting it.
 */
class ProbeGroupsTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readinessIsUpWithTemporalAndDownWithoutItWhileLivenessStaysUp() throws Exception {
    int temporalPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      temporalPort = s.getLocalPort();
    }
    TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort, true);
    ConfigurableApplicationContext api =
        new SpringApplicationBuilder(StarterApplication.class)
            .run(
                "--server.port=0",
                "--cephflow.temporal.target=127.0.0.1:" + temporalPort,
                "--cephflow.ceph.conf=/nonexistent/ceph.conf");
    try {
      int port = ((WebServerApplicationContext) api).getWebServer().getPort();
      assertThat(status(port, "readiness")).isEqualTo(200);
      assertThat(status(port, "liveness")).isEqualTo(200);
      temporal.close();
      assertThat(status(port, "readiness")).isEqualTo(503);
      assertThat(status(port, "liveness")).isEqualTo(200);
    } finally {
      api.close();
      temporal.close();
    }
  }

  private int status(int port, String probe) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/" + probe))
                .timeout(java.time.Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
