package io.cephflow.starter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.common.OperationProgress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepViewTest {
  static final long GiB = 1L << 30;

  @Test
  void aRunningStepShowsItsHeartbeatAndUnknownTotalsAsMinusOne() {
    var write = new OperationProgress("write", 0, GiB);
    assertThat(
            StepView.of(
                "RUNNING", write, Optional.of(new ActivityHeartbeat(300 << 20, GiB, false))))
        .isEqualTo(new StepView("write", new OperationStatus.Progress(300 << 20, GiB)));
    // an endless or length-less download: what arrived, of an unknown total (was 0/0)
    var fetch = OperationProgress.at("fetch");
    assertThat(
            StepView.of(
                    "RUNNING", fetch, Optional.of(new ActivityHeartbeat(335_000_000, -1, false)))
                .progress())
        .isEqualTo(new OperationStatus.Progress(335_000_000, -1));
    // the resume point before the step has counted anything: of an unknown total
    assertThat(
            StepView.of("RUNNING", write, Optional.of(new ActivityHeartbeat(0, -1, false)))
                .progress())
        .isEqualTo(new OperationStatus.Progress(0, -1));
  }

  @Test
  void aDataStepBetweenHeartbeatsShowsNoFigureRatherThanZero() {
    assertThat(
            StepView.of("RUNNING", new OperationProgress("write", 0, GiB), Optional.empty())
                .progress())
        .isNull();
    // a finished data step the flow has counted keeps its figure
    assertThat(
            StepView.of("RUNNING", new OperationProgress("snapshot", GiB, GiB), Optional.empty())
                .progress())
        .isEqualTo(new OperationStatus.Progress(GiB, GiB));
  }

  @Test
  void aPreparatoryExportIsNamedAndCountedOnItsOwn() {
    var convert = new OperationProgress("convert", 0, 2 * GiB);
    var view =
        StepView.of("RUNNING", convert, Optional.of(new ActivityHeartbeat(100 << 20, GiB, true)));
    assertThat(view)
        .isEqualTo(new StepView("convert (export)", new OperationStatus.Progress(100 << 20, GiB)));
  }

  @Test
  void aStepThatMovesNoDataShowsNoBytes() {
    assertThat(StepView.of("RUNNING", OperationProgress.at("clone"), Optional.empty()).progress())
        .isNull();
    assertThat(StepView.of("COMPLETED", OperationProgress.at("done"), Optional.empty()))
        .isEqualTo(new StepView("done", null));
  }

  @Test
  void theStepAgreesWithTheStatus() {
    // the flow answered its last step before Temporal recorded its close
    assertThat(
            StepView.of("RUNNING", OperationProgress.at("failed at claim"), Optional.empty())
                .step())
        .isEqualTo("finishing");
    assertThat(StepView.of("RUNNING", OperationProgress.at("done"), Optional.empty()).step())
        .isEqualTo("finishing");
    // terminated from Temporal mid-step, or no worker answered the query
    assertThat(
            StepView.of("TERMINATED", new OperationProgress("write", 0, GiB), Optional.empty())
                .step())
        .isEqualTo("terminated at write");
    assertThat(StepView.of("TIMED_OUT", null, Optional.empty()).step()).isEqualTo("timed out");
    assertThat(StepView.of("COMPLETED", null, Optional.empty()).step()).isEqualTo("done");
  }

  @Test
  void anEndedOperationShowsWhereItStoppedAndNotAFullBar() {
    var write = new OperationProgress("write", 0, GiB);
    var canceled = write.ending("compensating").ending("canceled");
    assertThat(canceled).isEqualTo(new OperationProgress("canceled at write", -1, GiB));
    assertThat(StepView.of("CANCELED", canceled, Optional.empty()))
        .isEqualTo(new StepView("canceled at write", new OperationStatus.Progress(-1, GiB)));
    var snapshot =
        new OperationProgress("snapshot", GiB, GiB).ending("compensating").ending("failed");
    assertThat(snapshot).isEqualTo(new OperationProgress("failed at snapshot", GiB, GiB));
  }
}
