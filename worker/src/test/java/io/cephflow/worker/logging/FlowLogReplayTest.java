package io.cephflow.worker.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.WorkflowCatalog;
import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.internal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorded histories (workflows' ReplayHistoriesTest, there without interceptors) replay with
 * {@link FlowLog} in the worker: its MDC, its lines and the header it adds to every scheduled
 * activity change nothing a replay compares.
 */
class FlowLogReplayTest {
  static Stream<Path> histories() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("../workflows/src/test/resources/histories"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("recorded histories").isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysDeterministicallyWithTheInterceptor(Path history) throws Exception {
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new FlowLog()).build())
                .build())) {
      Worker worker = env.newWorker(WorkflowTestBed.QUEUE);
      worker.registerWorkflowImplementationTypes(
          WorkflowTestBed.OPTIONS, WorkflowCatalog.IMPLEMENTATIONS.toArray(new Class<?>[0]));
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(Files.readString(history)), worker);
    }
  }
}
