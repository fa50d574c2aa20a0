package io.cephflow.worker.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cephflow.workflows.common.Failures;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * The flow and step lines of {@link FlowLog} and the MDC a line inside an activity carries, on
 * Temporal's test server; and the same lines as ECS JSON through Spring Boot's structured encoder.
 */
class FlowLogTest {
  private static final String QUEUE = "flow-log-test";
  private TestWorkflowEnvironment env;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger flow = (Logger) LoggerFactory.getLogger(FlowLog.LOGGER);
  private final Logger step = (Logger) LoggerFactory.getLogger(Steps.class);

  public record Request(String imageId, String serverId, String source) {}

  @WorkflowInterface
  public interface Flow {
    @WorkflowMethod
    String run(Request request);
  }

  @ActivityInterface
  public interface Steps {
    String look(String what);

    void refuse();
  }

  public static class FlowImpl implements Flow {
    @Override
    public String run(Request request) {
      Steps steps =
          Workflow.newActivityStub(
              Steps.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(10))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setMaximumAttempts(2)
                          .setInitialInterval(Duration.ofMillis(10))
                          .setDoNotRetry(Failures.NON_RETRYABLE)
                          .build())
                  .build());
      String seen = steps.look(request.imageId());
      if ("refuse".equals(request.source())) steps.refuse();
      return seen;
    }
  }

  public static class StepsImpl implements Steps {
    @Override
    public String look(String what) {
      LoggerFactory.getLogger(Steps.class).info("looking at {}", what);
      return "seen " + what;
    }

    @Override
    public void refuse() {
      throw ApplicationFailure.newNonRetryableFailure("no such image", Failures.NOT_FOUND);
    }
  }

  @BeforeEach
  void start() {
    lines.start();
    flow.setLevel(ch.qos.logback.classic.Level.INFO); // logback-test.xml: root WARN
    flow.addAppender(lines);
    step.addAppender(lines);
    env =
        TestWorkflowEnvironment.newInstance(
            io.temporal.testing.TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new FlowLog()).build())
                .build());
    var worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(FlowImpl.class);
    worker.registerActivitiesImplementations(new StepsImpl());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    flow.detachAppender(lines);
    flow.setLevel(null);
    step.detachAppender(lines);
  }

  private Flow stub(String id) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            Flow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
  }

  @Test
  void aFlowLogsItsStartItsStepsAndItsEndAndEveryLineInsideCarriesItsIds() {
    String image = UUID.randomUUID().toString();
    String server = UUID.randomUUID().toString();
    String id = "flow-" + image;
    stub(id).run(new Request(image, server, "/secret/path?token=x"));

    assertThat(messages())
        .containsExactly(
            "flow FlowLogTest$Flow started".replace("FlowLogTest$Flow", "Flow"),
            "looking at " + image,
            "step Look completed in",
            "flow Flow completed in");
    ILoggingEvent inside = event("looking at");
    assertThat(inside.getMDCPropertyMap())
        .containsEntry("WorkflowId", id)
        .containsEntry("WorkflowType", "Flow")
        .containsEntry("ActivityType", "Look")
        .containsEntry("Attempt", "1")
        .containsEntry("imageId", image)
        .containsEntry("serverId", server)
        .containsKey("RunId")
        .containsKey("ActivityId")
        .doesNotContainKey("source");
    assertThat(event("flow Flow started").getMDCPropertyMap())
        .containsEntry("WorkflowId", id)
        .containsEntry("imageId", image)
        .containsEntry("TaskQueue", QUEUE);
    assertThat(keyValues(event("flow Flow completed")))
        .containsEntry("outcome", "completed")
        .containsKey("durationMs");
    assertThat(keyValues(event("step Look completed"))).containsEntry("outcome", "completed");
    assertThat(org.slf4j.MDC.getCopyOfContextMap())
        .as("nothing left on the test thread")
        .isNullOrEmpty();
  }

  @Test
  void aFailedStepAndFlowSayTheirFailureType() {
    String image = UUID.randomUUID().toString();
    assertThatThrownBy(() -> stub("flow-" + image).run(new Request(image, null, "refuse")))
        .isInstanceOf(WorkflowFailedException.class);
    ILoggingEvent failed = event("step Refuse failed");
    assertThat(failed.getFormattedMessage()).contains("NotFound (not retryable)", "no such image");
    assertThat(keyValues(failed))
        .containsEntry("failureType", "NotFound")
        .containsEntry("retryable", "false");
    assertThat(failed.getMDCPropertyMap())
        .containsEntry("imageId", image)
        .containsEntry("ActivityType", "Refuse");
    assertThat(keyValues(event("flow Flow failed")))
        .containsEntry("outcome", "failed")
        .containsEntry("failureType", "NotFound");
  }

  @Test
  void asEcsJsonTheIdsAndOutcomeAreFields() {
    String image = UUID.randomUUID().toString();
    stub("flow-" + image).run(new Request(image, null, "x"));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.putObject(Environment.class.getName(), new StandardEnvironment());
    StructuredLogEncoder ecs = new StructuredLogEncoder();
    ecs.setContext(context);
    ecs.setFormat("ecs");
    ecs.start();
    String json = new String(ecs.encode(event("step Look completed")), StandardCharsets.UTF_8);
    assertThat(json)
        .contains(
            "\"imageId\":\"" + image + "\"",
            "\"WorkflowId\":\"flow-" + image + "\"",
            "\"ActivityType\":\"Look\"",
            "\"outcome\":\"completed\"",
            "\"log\":{\"level\":\"INFO\",\"logger\":\"cephflow.flow\"}");
  }

  private List<String> messages() {
    return lines.list.stream()
        .map(
            e -> {
              String m = e.getFormattedMessage();
              int in = m.indexOf(" in ");
              return in > 0 ? m.substring(0, in + 3) : m;
            })
        .toList();
  }

  private ILoggingEvent event(String prefix) {
    return lines.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith(prefix))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no line starting '" + prefix + "' in " + messages()));
  }

  private static Map<String, String> keyValues(ILoggingEvent e) {
    Map<String, String> kv = new java.util.HashMap<>();
    if (e.getKeyValuePairs() != null)
      e.getKeyValuePairs().forEach(p -> kv.put(p.key, String.valueOf(p.value)));
    return kv;
  }
}
