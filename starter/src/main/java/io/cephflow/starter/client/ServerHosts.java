package io.cephflow.starter.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.hosts.HostReport;
import io.cephflow.hosts.Placement;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Which hypervisor a server is on, or goes to, when a request names none. For a boot: the host the
 * same server's boot already went to (so a repeated request is the same request and attaches to its
 * operation, whatever the reports say now), else the host that reports its domain, else {@link
 * Placement}'s choice among the hosts that report. For a snapshot or a delete: the host that
 * reports the server's domain. Empty means "the default host" (no host reports at all: a fleet of
 * workers that predate the reports, or a Ceph the API cannot read).
 */
public final class ServerHosts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final WorkflowClient temporal;
  private final ResourceReader reader;
  private final Clock clock;

  public ServerHosts(WorkflowClient temporal, ResourceReader reader, Clock clock) {
    this.temporal = temporal;
    this.reader = reader;
    this.clock = clock;
  }

  /**
   * Where the boot of {@code serverId} runs; {@link NoHypervisorAvailableException} when no host
   * has room.
   */
  public Optional<String> forBoot(String serverId, long memoryMiB) {
    Optional<Optional<String>> earlier = earlierBoot(serverId);
    if (earlier.isPresent()) return earlier.get();
    List<HostReport> reports = reports();
    Optional<HostReport> holding = Placement.hostOf(reports, serverId);
    if (holding.isPresent()) return Optional.of(holding.get().host());
    if (reports.isEmpty()) return Optional.empty();
    java.time.Instant now = clock.instant();
    Optional<String> chosen = Placement.choose(reports, now, memoryMiB);
    if (chosen.isPresent()) return chosen;
    boolean fitsSomewhere =
        reports.stream()
            .anyMatch(
                r ->
                    r.fresh(now)
                        && r.accepting()
                        && (memoryMiB > 0 ? memoryMiB : r.defaultMemoryMiB())
                            <= r.capacity().memoryMiB());
    throw new NoHypervisorAvailableException(
        (fitsSomewhere
                ? "no hypervisor has room now for a domain of "
                : "no hypervisor can hold a domain of ")
            + (memoryMiB > 0 ? memoryMiB + " MiB" : "its default memory")
            + " (hosts reporting: "
            + reports.stream()
                .map(
                    r ->
                        r.host()
                            + (r.fresh(now)
                                ? " "
                                    + r.activeDomains()
                                    + "/"
                                    + r.capacity().domains()
                                    + " domains, "
                                    + r.usedMemoryMiB()
                                    + "/"
                                    + r.capacity().memoryMiB()
                                    + " MiB"
                                    + (r.accepting() ? "" : ", shutting down")
                                : " silent since " + r.observedAt()))
                .toList()
            + ")",
        fitsSomewhere);
  }

  /** The host whose report lists the server's domain. */
  public Optional<String> of(String serverId) {
    return Placement.hostOf(reports(), serverId).map(HostReport::host);
  }

  private List<HostReport> reports() {
    try {
      return reader.hostReports();
    } catch (ResourceReader.CephUnavailableException e) {
      LoggerFactory.getLogger(ServerHosts.class)
          .warn("host reports unreadable, the default host is used: {}", e.getMessage());
      return List.of();
    }
  }

  /**
   * The hypervisor field of the boot already started for this server, as Temporal still has it:
   * empty when there is none; present-and-empty when it named no host (a boot from before
   * placement).
   */
  private Optional<Optional<String>> earlierBoot(String serverId) {
    try {
      Payloads input =
          temporal
              .getWorkflowServiceStubs()
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(temporal.getOptions().getNamespace())
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId("server-boot-" + serverId))
                      .setMaximumPageSize(1)
                      .build())
              .getHistory()
              .getEvents(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getInput();
      if (input.getPayloadsCount() == 0) return Optional.empty();
      JsonNode host = JSON.readTree(input.getPayloads(0).getData().toByteArray()).get("hypervisor");
      return Optional.of(
          host == null || host.isNull() ? Optional.empty() : Optional.of(host.asText()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
      throw e;
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Hosts report, and none has room: a 409 with the hosts' figures. */
  public static class NoHypervisorAvailableException extends RuntimeException {
    private final boolean mayFitLater;

    public NoHypervisorAvailableException(String message, boolean mayFitLater) {
      super(message);
      this.mayFitLater = mayFitLater;
    }

    /** Some alive host is large enough, once servers there go. */
    public boolean mayFitLater() {
      return mayFitLater;
    }
  }
}
