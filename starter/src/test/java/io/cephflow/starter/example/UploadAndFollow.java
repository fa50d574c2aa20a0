package io.cephflow.starter.example;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.starter.client.OperationRefusedException;
import io.cephflow.starter.client.OperationStatus;
import io.cephflow.workflows.common.FailureType;
import io.cephflow.workflows.image.UploadImageRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.UUID;

/**
 * The typed client in one program (docs/client.md): start an upload, follow its progress, and act
 * on each way it can end. Compiled with the tests, so it cannot drift from the client.
 *
 * <pre>
 * java -cp ... io.cephflow.starter.example.UploadAndFollow 127.0.0.1:7233 /var/lib/cephflow/incoming/x.qcow2 qcow2
 * </pre>
 */
public final class UploadAndFollow {
  private UploadAndFollow() {}

  public static void main(String[] args) throws InterruptedException {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    CephflowClient cephflow =
        new CephflowClient(
            WorkflowClient.newInstance(
                stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build()));
    String imageId =
        UUID.randomUUID().toString(); // keep it: repeating the request attaches, never runs twice
    String operation;
    try {
      operation =
          cephflow.uploadImage(new UploadImageRequest(imageId, "example", args[1], args[2], null));
    } catch (IllegalArgumentException e) {
      System.err.println("bad request: " + e.getMessage()); // fix the request
      System.exit(2);
      return;
    } catch (OperationRefusedException e) {
      // decided at the door: Conflict (id taken or used), NotFound, InUse, InvalidRequest
      System.err.println(e.type() + " (operation " + e.operationId() + "): " + e.getMessage());
      System.exit(e.type().equals("Conflict") ? 5 : 4);
      return;
    }
    OperationStatus s = cephflow.status(operation);
    while (s.status().equals("RUNNING")) {
      var p = s.progress();
      String bytes =
          p == null
              ? ""
              : p.bytesTotal() < 0
                  ? " " + p.bytesDone() + " bytes (total unknown)"
                  : " " + p.bytesDone() + "/" + p.bytesTotal() + " bytes";
      System.out.println(s.step() + bytes);
      Thread.sleep(1000);
      s = cephflow.status(operation);
    }
    if (s.status().equals("COMPLETED")) {
      System.out.println("done: " + s.result());
      return;
    }
    FailureType why =
        s.failure() == null ? FailureType.INTERNAL : FailureType.of(s.failure().type());
    switch (why) {
      case SOURCE_NOT_FOUND, SOURCE_FORBIDDEN, SOURCE_EMPTY, SOURCE_TOO_LARGE ->
          System.err.println("the source cannot be used: " + s.failure().message());
      case UNSAFE_IMAGE, UNSUPPORTED_FORMAT, CHECKSUM_MISMATCH ->
          System.err.println("the image was refused: " + s.failure().message());
      case CANCELED -> System.err.println("canceled; what it did was undone");
      default ->
          System.err.println(
              why.code()
                  + (why.retryable() ? " (may work if repeated with a new id)" : "")
                  + ": "
                  + s.failure().message());
    }
    if (s.failure() != null && !s.failure().compensationFailures().isEmpty()) {
      System.err.println(
          "left behind (see docs/operations.md): " + s.failure().compensationFailures());
    }
    System.exit(1);
  }
}
