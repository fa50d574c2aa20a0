package io.cephflow.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.workflows.common.DeleteResult;
import io.cephflow.workflows.common.OperationProgress;
import io.cephflow.workflows.common.TaskQueues;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.DeleteImageWorkflow;
import io.cephflow.workflows.image.UploadImageRequest;
import io.cephflow.workflows.image.UploadImageResult;
import io.cephflow.workflows.image.UploadImageWorkflow;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The typed client against Temporal's in-process test server, with stand-in flows whose outcome the
 * request's name chooses: what a start answers (the id, attach, refusals at the door), what status
 * reports of a flow that completed, failed or was canceled, and what cancel refuses.
 */
@Timeout(120)
class CephflowClientTest {
  private TestWorkflowEnvironment env;
  private CephflowClient client;

  /**
   * "ok" completes; "refused" fails at its claim (Conflict); "broken" fails at write; "slow" waits.
   */
  public static class StandInUpload implements UploadImageWorkflow {
    private OperationProgress progress = OperationProgress.at("validate");

    @Override
    public UploadImageResult upload(UploadImageRequest r) {
      progress = OperationProgress.at("claim");
      switch (r.name()) {
        case "refused" ->
            throw ApplicationFailure.newNonRetryableFailure(
                "image:" + r.imageId() + " is taken", "Conflict");
        case "broken" -> {
          progress = new OperationProgress("write", 5, 10);
          throw ApplicationFailure.newNonRetryableFailure("sha256 differs", "ChecksumMismatch");
        }
        case "slow" -> {
          progress = new OperationProgress("write", 0, 10);
          Workflow.await(() -> false);
        }
        default -> progress = OperationProgress.at("done");
      }
      return new UploadImageResult(r.imageId(), "images", r.imageId(), "snap", 5, "ab");
    }

    @Override
    public OperationProgress progress() {
      QUERIES.incrementAndGet();
      return progress;
    }
  }

  /** Progress queries the stand-in upload answered. */
  static final java.util.concurrent.atomic.AtomicInteger QUERIES =
      new java.util.concurrent.atomic.AtomicInteger();

  public static class StandInDelete implements DeleteImageWorkflow {
    @Override
    public DeleteResult delete(DeleteImageRequest r) {
      return new DeleteResult("image:" + r.imageId(), true, List.of());
    }

    @Override
    public OperationProgress progress() {
      return OperationProgress.at("done");
    }
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(TaskQueues.STORAGE)
        .registerWorkflowImplementationTypes(StandInUpload.class, StandInDelete.class);
    env.start();
    client = new CephflowClient(env.getWorkflowClient());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private static UploadImageRequest upload(String id, String name) {
    return new UploadImageRequest(id, name, "/var/lib/cephflow/incoming/disk.raw", "raw", null);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  @Test
  void aStartAnswersTheOperationIdAndTheSameRequestAttachesToIt() {
    String id = newId();
    String op = client.uploadImage(upload(id, "ok"));
    assertThat(op).isEqualTo("image-upload-" + id);
    assertThat(client.uploadImage(upload(id, "ok"))).isEqualTo(op);

    OperationStatus s = client.await(op, 30, TimeUnit.SECONDS);
    assertThat(s.status()).isEqualTo("COMPLETED");
    assertThat(s.type()).isEqualTo("UploadImageWorkflow");
    assertThat(s.failure()).isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) s.result();
    assertThat(result).containsEntry("imageId", id).containsEntry("snapshot", "snap");
  }

  @Test
  void anotherRequestForATakenIdIsAConflict() {
    String id = newId();
    client.uploadImage(upload(id, "ok"));
    assertThatThrownBy(() -> client.uploadImage(upload(id, "other")))
        .isInstanceOfSatisfying(
            OperationRefusedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("Conflict");
              assertThat(e.operationId()).isEqualTo("image-upload-" + id);
              assertThat(e.getMessage()).contains("different request");
            });
  }

  @Test
  void aRefusalTheFlowDecidesAtOnceIsThrownNotAccepted() {
    String id = newId();
    assertThatThrownBy(() -> client.uploadImage(upload(id, "refused")))
        .isInstanceOfSatisfying(
            OperationRefusedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("Conflict");
              assertThat(e.getMessage()).isEqualTo("image:" + id + " is taken");
            });
  }

  @Test
  void aFlowThatFailsLaterIsAcceptedAndReportsItsTypedReason() {
    String op = client.uploadImage(upload(newId(), "broken"));
    OperationStatus s = client.await(op, 30, TimeUnit.SECONDS);
    assertThat(s.status()).isEqualTo("FAILED");
    assertThat(s.failure().type()).isEqualTo("ChecksumMismatch");
    assertThat(s.failure().message()).isEqualTo("sha256 differs");
    assertThat(s.failure().compensationFailures()).isEmpty();
    assertThat(s.result()).isNull();
  }

  @Test
  void aCreateNamingADeletedIdIsRefused() {
    String id = newId();
    String del = client.deleteImage(new DeleteImageRequest(id, false));
    assertThat(del).isEqualTo("image-delete-" + id);
    assertThat(client.await(del, 30, TimeUnit.SECONDS).status()).isEqualTo("COMPLETED");
    assertThatThrownBy(() -> client.uploadImage(upload(id, "ok")))
        .isInstanceOfSatisfying(
            OperationRefusedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("Conflict");
              assertThat(e.operationId()).isEqualTo(del);
              assertThat(e.getMessage()).contains("never reused");
            });
  }

  @Test
  void aRunningFlowIsCanceledButADeleteOrAnEndedOneIsNot() {
    String op = client.uploadImage(upload(newId(), "slow"));
    assertThat(client.status(op).status()).isEqualTo("RUNNING");
    client.cancel(op);
    OperationStatus s = client.await(op, 30, TimeUnit.SECONDS);
    assertThat(s.status()).isEqualTo("CANCELED");
    assertThat(s.failure().type()).isEqualTo("Canceled");
    assertThatThrownBy(() -> client.cancel(op))
        .isInstanceOf(OperationNotCancelableException.class)
        .hasMessageContaining("has ended (CANCELED)");

    String del = client.deleteImage(new DeleteImageRequest(newId(), false));
    assertThatThrownBy(() -> client.cancel(del))
        .isInstanceOf(OperationNotCancelableException.class)
        .hasMessageContaining("is a delete");
  }

  @Test
  void aWaitAsksTheFlowForItsProgressOnceAndAnEndedOrUnknownOneAnswers() {
    // real time: with time skipping the waiting flow would reach its run timeout at once
    try (TestWorkflowEnvironment real =
        TestWorkflowEnvironment.newInstance(
            io.temporal.testing.TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .build())) {
      real.newWorker(TaskQueues.STORAGE).registerWorkflowImplementationTypes(StandInUpload.class);
      real.start();
      CephflowClient c = new CephflowClient(real.getWorkflowClient());
      String op = c.uploadImage(upload(newId(), "slow"));
      c.await(op, 1, TimeUnit.SECONDS); // the flow has begun its write
      // the API's long poll, GET /operations/{id}?waitSeconds=1: one progress query per wait (its
      // status read before the wait made it two)
      QUERIES.set(0);
      OperationStatus still = new io.cephflow.starter.api.OperationsController(c).get(op, 1);
      assertThat(still.status()).isEqualTo("RUNNING");
      assertThat(still.step()).isEqualTo("write");
      assertThat(QUERIES.get()).isEqualTo(1);

      String ok = c.uploadImage(upload(newId(), "ok"));
      assertThat(c.await(ok, 30, TimeUnit.SECONDS).status()).isEqualTo("COMPLETED");
      assertThat(c.await(ok, 30, TimeUnit.SECONDS).status()).isEqualTo("COMPLETED");
      assertThatThrownBy(() -> c.await("image-upload-" + newId(), 1, TimeUnit.SECONDS))
          .isInstanceOf(OperationNotFoundException.class);
    }
  }

  @Test
  void anUnknownOperationIsNotFound() {
    assertThatThrownBy(() -> client.status("image-upload-" + newId()))
        .isInstanceOf(OperationNotFoundException.class);
    assertThatThrownBy(() -> client.audit("image-upload-" + newId()))
        .isInstanceOf(OperationNotFoundException.class);
  }

  @Test
  void anInvalidRequestIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> client.uploadImage(upload("not-a-uuid", "ok")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                client.uploadImage(
                    new UploadImageRequest(newId(), "ok", "http://user:pw@host/x", "raw", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listingOnAServerWithoutVisibilitySaysSo() {
    assertThatThrownBy(() -> client.list("image:" + newId(), 10))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot list workflows");
  }
}
