package io.cephflow.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.starter.client.OperationNotCancelableException;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowServiceException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
  final ApiErrors errors = new ApiErrors();

  @Test
  void temporalDownIsA503ThatSaysRepeatingIsSafe() {
    var r =
        errors.temporal(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
    assertThat(r.getStatusCode().value()).isEqualTo(503);
    assertThat(r.getBody().getProperties()).containsEntry("error", "TemporalUnavailable");
    assertThat(r.getBody().getDetail()).contains("repeat the request").contains("same id");
    var start =
        errors.temporalStart(
            new WorkflowServiceException(
                WorkflowExecution.getDefaultInstance(),
                "T",
                Status.DEADLINE_EXCEEDED.asRuntimeException()));
    assertThat(start.getStatusCode().value()).isEqualTo(503);
    assertThat(
            errors.temporal(Status.PERMISSION_DENIED.asRuntimeException()).getStatusCode().value())
        .isEqualTo(502);
  }

  @Test
  void aBusyTemporalIsA503ToRepeatNotARefusal() {
    var r =
        errors.temporal(
            Status.RESOURCE_EXHAUSTED.withDescription("Workflow is busy").asRuntimeException());
    assertThat(r.getStatusCode().value()).isEqualTo(503);
    assertThat(r.getBody().getProperties()).containsEntry("error", "TemporalBusy");
    assertThat(r.getBody().getDetail()).contains("Workflow is busy").contains("repeat");
  }

  @Test
  void cancelingADeleteOrAnEndedOperationIsAConflict() {
    var r = errors.notCancelable(new OperationNotCancelableException("x has ended (COMPLETED)"));
    assertThat(r.getStatusCode().value()).isEqualTo(409);
    assertThat(r.getBody().getProperties()).containsEntry("error", "NotCancelable");
    assertThat(r.getBody().getDetail()).isEqualTo("x has ended (COMPLETED)");
    assertThat(r.getBody().getType().toString()).isEqualTo("/problems/NotCancelable");
  }

  @Test
  void noHypervisorWithRoomIsAConflictThatSaysWhetherWaitingHelps() {
    var later =
        errors.noHypervisor(
            new io.cephflow.starter.client.ServerHosts.NoHypervisorAvailableException(
                "no hypervisor has room now", true));
    assertThat(later.getStatusCode().value()).isEqualTo(409);
    assertThat(later.getBody().getProperties()).containsEntry("error", "NoHypervisorAvailable");
    assertThat(later.getHeaders().getFirst("Retry-After")).isEqualTo("30");
    var never =
        errors.noHypervisor(
            new io.cephflow.starter.client.ServerHosts.NoHypervisorAvailableException(
                "no hypervisor can hold", false));
    assertThat(never.getStatusCode().value()).isEqualTo(409);
    assertThat(never.getHeaders().containsKey("Retry-After")).isFalse();
  }
}
