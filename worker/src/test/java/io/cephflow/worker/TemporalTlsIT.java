package io.cephflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.drain.DrainTestApp;
import io.cephflow.starter.StarterApplication;
import io.cephflow.workflows.connection.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker's and the API's Temporal connection against a TLS-serving Temporal: {@code temporal
 * server start-dev} (plain text, no TLS flags) behind HAProxy from Debian, with a CA, a server and
 * a client certificate this test makes with openssl. stunnel is not enough: gRPC (Java's and Go's)
 * insists on ALPN h2, which stunnel cannot negotiate. Three HAProxy frontends: TLS, mTLS (a client
 * certificate from the CA required) and TLS with an API-key check (HTTP/2 mode, a request without
 * {@code authorization: Bearer <key>} and the namespace header is refused 403). Every port is a
 * random loopback one; the processes are stopped after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemporalTlsIT {
  private static final String SERVER_NAME = "temporal.test";
  private static final String KEY = "cephflow-it-key-" + UUID.randomUUID();
  private final List<Process> processes = new ArrayList<>();
  private Path dir;
  private String tls;
  private String mtls;
  private String apiKeyed;

  @BeforeAll
  void start() throws Exception {
    for (String tool : List.of("temporal", "haproxy", "openssl")) {
      Assumptions.assumeTrue(onPath(tool), tool + " is not installed (dev/setup.sh installs it)");
    }
    dir = Files.createTempDirectory("cephflow-tls-");
    certificates();
    int frontend = freePort();
    int tlsPort = freePort();
    int mtlsPort = freePort();
    int keyPort = freePort();
    spawn(
        "temporal.log",
        "temporal",
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        "" + frontend,
        "--headless",
        "--log-level",
        "warn");
    Files.writeString(
        dir.resolve("haproxy.cfg"),
        String.join(
            "\n",
            "defaults",
            "  timeout connect 5s",
            "  timeout client 5m", // Temporal's long polls last about a minute
            "  timeout server 5m",
            "frontend tls",
            "  mode tcp",
            "  bind 127.0.0.1:"
                + tlsPort
                + " ssl crt "
                + dir.resolve("server-bundle.pem")
                + " alpn h2",
            "  default_backend temporal_tcp",
            "frontend mtls",
            "  mode tcp",
            "  bind 127.0.0.1:"
                + mtlsPort
                + " ssl crt "
                + dir.resolve("server-bundle.pem")
                + " alpn h2 ca-file "
                + dir.resolve("ca.pem")
                + " verify required",
            "  default_backend temporal_tcp",
            "frontend apikey",
            "  mode http",
            "  bind 127.0.0.1:"
                + keyPort
                + " ssl crt "
                + dir.resolve("server-bundle.pem")
                + " alpn h2",
            "  http-request deny deny_status 403 unless { req.hdr(authorization) -m str \"Bearer "
                + KEY
                + "\" }"
                + " { req.hdr(temporal-namespace) -m str default }",
            "  default_backend temporal_h2",
            "backend temporal_tcp",
            "  mode tcp",
            "  server frontend 127.0.0.1:" + frontend,
            "backend temporal_h2",
            "  mode http",
            "  server frontend 127.0.0.1:" + frontend + " proto h2",
            ""));
    spawn("haproxy.log", "haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString());
    tls = "127.0.0.1:" + tlsPort;
    mtls = "127.0.0.1:" + mtlsPort;
    apiKeyed = "127.0.0.1:" + keyPort;
    awaitTemporal("127.0.0.1:" + frontend);
    for (int port : List.of(tlsPort, mtlsPort, keyPort)) awaitPort(port);
  }

  @AfterAll
  void stop() throws Exception {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void tlsWithTheServersCaAndNameConnects() {
    String version =
        ping(
            connection(
                tls,
                new TemporalConnection.Tls(true, file("ca.pem"), null, null, SERVER_NAME),
                null));
    assertThat(version).isNotBlank();
  }

  /**
   * The worker's own settings (bound as Spring binds cephflow.*) over mTLS: the search attribute
   * registration (operator service, its own channel) and a flow run by a worker and started by a
   * client, both on that connection.
   */
  @Test
  void mtlsWithTheWorkersSettingsRegistersTheSearchAttributeAndRunsAFlow() {
    WorkerProperties props =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of(
                        "cephflow.temporal.target",
                        mtls,
                        "cephflow.temporal.tls.enabled",
                        "true",
                        "cephflow.temporal.tls.ca-file",
                        file("ca.pem").toString(),
                        "cephflow.temporal.tls.cert-file",
                        file("client.pem").toString(),
                        "cephflow.temporal.tls.key-file",
                        file("client.key").toString(),
                        "cephflow.temporal.tls.server-name",
                        SERVER_NAME)))
            .bindOrCreate("cephflow", WorkerProperties.class);
    TemporalConnection connection = props.temporal().connection();
    assertThat(connection.describe()).contains("mTLS");
    SearchAttributes.ensureRegistered(connection);

    WorkflowServiceStubs stubs = stubs(connection);
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder().setNamespace(connection.namespace()).build());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      var worker = factory.newWorker(DrainTestApp.QUEUE);
      worker.registerWorkflowImplementationTypes(DrainTestApp.SlowFlowImpl.class);
      worker.registerActivitiesImplementations(new DrainTestApp.SlowStepImpl());
      factory.start();
      try {
        int beats =
            client
                .newWorkflowStub(
                    DrainTestApp.SlowFlow.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue(DrainTestApp.QUEUE)
                        .setWorkflowId("tls-" + UUID.randomUUID())
                        .setWorkflowExecutionTimeout(Duration.ofSeconds(60))
                        .build())
                .run(1);
        assertThat(beats).isPositive();
      } finally {
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void mtlsWithoutAClientCertificateIsRefused() {
    assertRefused(
        connection(
            mtls, new TemporalConnection.Tls(true, file("ca.pem"), null, null, SERVER_NAME), null),
        Status.Code.UNAVAILABLE);
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused() {
    assertRefused(
        connection(
            tls,
            new TemporalConnection.Tls(true, file("other-ca.pem"), null, null, SERVER_NAME),
            null),
        Status.Code.UNAVAILABLE);
    assertRefused(
        connection(
            mtls,
            new TemporalConnection.Tls(
                true, file("other-ca.pem"), file("client.pem"), file("client.key"), SERVER_NAME),
            null),
        Status.Code.UNAVAILABLE);
  }

  @Test
  void aServerCertificateForAnotherNameIsRefused() {
    assertRefused(
        connection(
            tls, new TemporalConnection.Tls(true, file("ca.pem"), null, null, "other.test"), null),
        Status.Code.UNAVAILABLE);
  }

  /**
   * The key is read from its file again when the file changes: a rotated Secret needs no restart.
   */
  @Test
  void theApiKeyIsSentWithTheNamespaceAndARotatedKeyFileIsReadAgain() throws Exception {
    Path keyFile = dir.resolve("api-key");
    Files.writeString(keyFile, "not-the-key\n");
    var tlsToKeyed = new TemporalConnection.Tls(true, file("ca.pem"), null, null, SERVER_NAME);
    TemporalConnection viaFile =
        new TemporalConnection(apiKeyed, "default", tlsToKeyed, null, keyFile);
    WorkflowServiceStubs stubs = stubs(viaFile);
    try {
      assertThatThrownBy(() -> TemporalConnection.ping(stubs, Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      Files.writeString(keyFile, KEY + "\n");
      Files.setLastModifiedTime(
          keyFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
      assertThat(TemporalConnection.ping(stubs, Duration.ofSeconds(10))).isNotBlank();
    } finally {
      stubs.shutdownNow();
    }
    assertThat(ping(new TemporalConnection(apiKeyed, "default", tlsToKeyed, KEY, null)))
        .isNotBlank();
    assertRefused(connection(apiKeyed, tlsToKeyed, null), Status.Code.PERMISSION_DENIED);
  }

  /** The API (its own properties and stubs) over mTLS: its readiness group asks Temporal. */
  @Test
  void theApisReadinessIsUpOverMtls() throws Exception {
    ConfigurableApplicationContext api =
        new SpringApplicationBuilder(StarterApplication.class)
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--cephflow.temporal.target=" + mtls,
                "--cephflow.temporal.tls.enabled=true",
                "--cephflow.temporal.tls.ca-file=" + file("ca.pem"),
                "--cephflow.temporal.tls.cert-file=" + file("client.pem"),
                "--cephflow.temporal.tls.key-file=" + file("client.key"),
                "--cephflow.temporal.tls.server-name=" + SERVER_NAME,
                "--cephflow.ceph.conf=/nonexistent/ceph.conf");
    try {
      int port = ((WebServerApplicationContext) api).getWebServer().getPort();
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    } finally {
      api.close();
    }
  }

  private static void assertRefused(TemporalConnection connection, Status.Code code) {
    WorkflowServiceStubs stubs = stubs(connection);
    try {
      assertThatThrownBy(() -> TemporalConnection.ping(stubs, Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    } finally {
      stubs.shutdownNow();
    }
  }

  private static String ping(TemporalConnection connection) {
    WorkflowServiceStubs stubs = stubs(connection);
    try {
      return TemporalConnection.ping(stubs, Duration.ofSeconds(10));
    } finally {
      stubs.shutdownNow();
    }
  }

  private static WorkflowServiceStubs stubs(TemporalConnection connection) {
    return WorkflowServiceStubs.newServiceStubs(
        connection.applyTo(WorkflowServiceStubsOptions.newBuilder()).build());
  }

  private static TemporalConnection connection(
      String target, TemporalConnection.Tls tls, String apiKey) {
    return new TemporalConnection(target, "default", tls, apiKey, null);
  }

  private Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * A CA, a server certificate for {@value #SERVER_NAME}, a client certificate, and a CA nobody
   * uses.
   */
  private void certificates() throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=cephflow test CA");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "other-ca.key",
        "-out",
        "other-ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=another CA");
    signed(
        "server",
        "/CN=" + SERVER_NAME,
        "subjectAltName=DNS:" + SERVER_NAME + "\nextendedKeyUsage=serverAuth\n");
    signed("client", "/CN=cephflow-worker", "extendedKeyUsage=clientAuth\n");
    Files.writeString(
        file("server-bundle.pem"),
        Files.readString(file("server.pem")) + Files.readString(file("server.key")));
  }

  private void signed(String name, String subject, String extensions) throws Exception {
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        subject);
    Files.writeString(file(name + ".ext"), extensions);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        name + ".pem",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "openssl " + command + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }

  private void spawn(String log, String... command) throws IOException {
    processes.add(
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile())
            .start());
  }

  private void awaitTemporal(String target) throws Exception {
    WorkflowServiceStubs plain = stubs(TemporalConnection.plain(target, "default"));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        try {
          TemporalConnection.ping(plain, Duration.ofSeconds(2));
          return;
        } catch (StatusRuntimeException e) {
          if (System.nanoTime() > deadline)
            throw new AssertionError("temporal did not start: " + log("temporal.log"), e);
          assertAlive();
          Thread.sleep(250);
        }
      }
    } finally {
      plain.shutdownNow();
    }
  }

  private void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline)
          throw new AssertionError("haproxy did not listen on " + port + ": " + log("haproxy.log"));
        assertAlive();
        Thread.sleep(100);
      }
    }
  }

  private void assertAlive() throws IOException {
    for (Process p : processes) {
      if (!p.isAlive())
        throw new AssertionError(
            p.info().command().orElse("?")
                + " exited: "
                + log("temporal.log")
                + log("haproxy.log"));
    }
  }

  private String log(String name) throws IOException {
    Path f = dir.resolve(name);
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) return true;
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
