package io.cephflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.testing.WorkflowTestBed;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays recorded histories (src/test/resources/histories, recorded by the workflow tests with
 * -Dcephflow.recordHistories=true) against today's workflow code: a change that is not replay-safe
 * fails here and needs Workflow.getVersion.
 */
class ReplayHistoriesTest {
  static Stream<Path> histories() throws IOException {
    List<Path> files;
    // histories/*.json: today's code's; histories/v0-untagged/: recorded before the flows tagged
    // themselves with search attributes (Workflow.getVersion "tag-resources"); v1-unrecorded/:
    // before the resource records ("resource-records"); v2-before-convert-once/: before the raw
    // copies ("convert-once"); v3-before-chunked-sha256/: uploads before "chunked-sha256";
    // v3-before-flatten-manager/: before the flatten manager; v4-before-audit-left-paused/: the
    // reap before "audit-left-paused" and "audit-clones-first"; v4-before-local-steps/: every flow
    // before its short steps ran as local activities ("local-steps", common.Steps);
    // v5-local-steps-v1/: local-steps version 1 (every short step local, makers too);
    // v6-before-snapshot-on-host/: image from server before its pause, snapshot and resume were
    // one step on the host ("snapshot-on-host"); all kept
    // as old runs that must replay
    try (Stream<Path> s = Files.walk(Path.of("src/test/resources/histories"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("recorded histories").isNotEmpty();
    return files.stream();
  }

  @Test
  void everyWorkflowInTheCatalogHasARecordedHistory() throws IOException {
    StringBuilder all = new StringBuilder();
    // recorded by today's code (not only the old runs under v0-untagged/)
    for (Path p : histories().filter(p -> p.getParent().endsWith("histories")).toList())
      all.append(Files.readString(p));
    for (Class<?> impl : WorkflowCatalog.IMPLEMENTATIONS) {
      String type =
          java.util.Arrays.stream(impl.getInterfaces())
              .filter(i -> i.isAnnotationPresent(io.temporal.workflow.WorkflowInterface.class))
              .findFirst()
              .orElseThrow()
              .getSimpleName();
      assertThat(all).as("a recorded history of " + type).contains("\"name\": \"" + type + "\"");
    }
  }

  /**
   * Moving or renaming an activity interface must keep its activity type names (Temporal takes them
   * from the method names): every type a recorded history scheduled still exists.
   */
  @Test
  void everyActivityTypeTheHistoriesScheduledStillExists() throws IOException {
    java.util.Set<String> scheduled = new java.util.TreeSet<>();
    for (Path p : histories().toList()) {
      for (var e : WorkflowExecutionHistory.fromJson(Files.readString(p)).getEvents()) {
        if (e.hasActivityTaskScheduledEventAttributes()) {
          scheduled.add(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        }
      }
    }
    assertThat(scheduled).contains("DefineDomain", "WaitRunning", "ShutdownDomain", "CreateImage");
    assertThat(ActivityTypes.names()).containsAll(scheduled);
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysDeterministically(Path history) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker(WorkflowTestBed.QUEUE);
      worker.registerWorkflowImplementationTypes(
          WorkflowTestBed.OPTIONS, WorkflowCatalog.IMPLEMENTATIONS.toArray(new Class<?>[0]));
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(Files.readString(history)), worker);
    }
  }
}
