package io.cephflow.worker.logging;

import io.cephflow.workflows.common.FailureType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line when a flow starts, one when it ends and one per activity execution with its
 * outcome, on logger {@code cephflow.flow}; and the MDC that every line logged inside a flow or an
 * activity carries: {@code WorkflowId}, {@code RunId}, {@code WorkflowType}, {@code TaskQueue}, for
 * activities {@code ActivityType}, {@code ActivityId}, {@code Attempt}, and the request's resource
 * ids ({@code imageId}, {@code serverId}, ...: {@link ResourceIds}). Temporal's own names for its
 * keys, which its SDK also sets on some of its lines. The end lines carry {@code outcome}
 * (completed, failed, canceled; a step also stopped), {@code durationMs} and, on failure, {@code
 * failureType} (and for a step {@code retryable}) as key-value pairs: fields of their own in JSON
 * logs (none collides with an ECS field).
 *
 * <p>Workflow code stays deterministic: the flow lines are not logged while a history replays
 * ({@link Workflow#isReplaying}, as {@code Workflow.getLogger} does), the MDC of the workflow
 * thread is set from the workflow's input only and removed when the method returns, and the ids
 * reach the activities in a header of each scheduled activity (derived from the input, so a replay
 * computes the same one; headers are not compared on replay).
 */
public final class FlowLog extends WorkerInterceptorBase {
  static final String LOGGER = "cephflow.flow";
  static final String HEADER = "cephflow-resource-ids";
  static final String WORKFLOW_ID = "WorkflowId";
  static final String RUN_ID = "RunId";
  static final String WORKFLOW_TYPE = "WorkflowType";
  static final String TASK_QUEUE = "TaskQueue";
  static final String ACTIVITY_TYPE = "ActivityType";
  static final String ACTIVITY_ID = "ActivityId";
  static final String ATTEMPT = "Attempt";
  private static final Logger flowLog = LoggerFactory.getLogger(LOGGER);
  private static final Logger activityLog = LoggerFactory.getLogger(LOGGER);
  private static final DataConverter CONVERTER = DefaultDataConverter.STANDARD_INSTANCE;

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new FlowLine(next);
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new StepLine(next);
  }

  private static final class FlowLine extends WorkflowInboundCallsInterceptorBase {
    private Map<String, String> ids = Map.of();

    FlowLine(WorkflowInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(WorkflowOutboundCallsInterceptor outbound) {
      super.init(
          new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
              return super.executeActivity(withIds(input));
            }
          });
    }

    private <R> WorkflowOutboundCallsInterceptor.ActivityInput<R> withIds(
        WorkflowOutboundCallsInterceptor.ActivityInput<R> input) {
      if (ids.isEmpty()) return input;
      Map<String, Payload> header = new HashMap<>(input.getHeader().getValues());
      CONVERTER.toPayload(ids).ifPresent(p -> header.put(HEADER, p));
      return new WorkflowOutboundCallsInterceptor.ActivityInput<>(
          input.getActivityName(),
          input.getResultClass(),
          input.getResultType(),
          input.getArgs(),
          input.getOptions(),
          new Header(header));
    }

    @Override
    public WorkflowOutput execute(WorkflowInput input) {
      WorkflowInfo info = Workflow.getInfo();
      ids = ResourceIds.of(input.getArguments());
      Map<String, String> mdc = new LinkedHashMap<>();
      mdc.put(WORKFLOW_ID, info.getWorkflowId());
      mdc.put(RUN_ID, info.getRunId());
      mdc.put(WORKFLOW_TYPE, info.getWorkflowType());
      mdc.put(TASK_QUEUE, info.getTaskQueue());
      mdc.putAll(ids);
      mdc.forEach(MDC::put);
      try {
        if (!Workflow.isReplaying()) {
          flowLog.info("flow {} started", info.getWorkflowType());
        }
        WorkflowOutput out = super.execute(input);
        if (!Workflow.isReplaying()) {
          outcome(flowLog.atInfo(), "completed", info)
              .log("flow {} completed in {} ms", info.getWorkflowType(), elapsed(info));
        }
        return out;
      } catch (CanceledFailure e) {
        if (!Workflow.isReplaying()) {
          outcome(flowLog.atInfo(), "canceled", info)
              .log("flow {} canceled after {} ms", info.getWorkflowType(), elapsed(info));
        }
        throw e;
      } catch (RuntimeException e) {
        // Errors (the SDK's DestroyWorkflowThreadError when a cached flow is evicted) are no
        // outcome
        if (!Workflow.isReplaying()) {
          FailureType type = FailureType.of(e);
          outcome(flowLog.atWarn(), "failed", info)
              .addKeyValue("failureType", type.code())
              .log(
                  "flow {} failed: {} after {} ms",
                  info.getWorkflowType(),
                  type.code(),
                  elapsed(info));
        }
        throw e;
      } finally {
        mdc.keySet().forEach(MDC::remove);
      }
    }

    private static LoggingEventBuilder outcome(
        LoggingEventBuilder line, String outcome, WorkflowInfo info) {
      return line.addKeyValue("outcome", outcome).addKeyValue("durationMs", elapsed(info));
    }

    /** Since this run started, in workflow time (deterministic; the line is only logged live). */
    private static long elapsed(WorkflowInfo info) {
      return Workflow.currentTimeMillis() - info.getRunStartedTimestampMillis();
    }
  }

  private static final class StepLine extends ActivityInboundCallsInterceptorBase {
    private ActivityInfo info;

    StepLine(ActivityInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(ActivityExecutionContext context) {
      info = context.getInfo();
      super.init(context);
    }

    @Override
    public ActivityOutput execute(ActivityInput input) {
      Map<String, String> mdc = new LinkedHashMap<>();
      mdc.put(WORKFLOW_ID, info.getWorkflowId());
      mdc.put(RUN_ID, info.getRunId());
      mdc.put(WORKFLOW_TYPE, info.getWorkflowType());
      mdc.put(TASK_QUEUE, info.getActivityTaskQueue());
      mdc.put(ACTIVITY_TYPE, info.getActivityType());
      mdc.put(ACTIVITY_ID, info.getActivityId());
      mdc.put(ATTEMPT, Integer.toString(info.getAttempt()));
      mdc.putAll(ids(input.getHeader()));
      mdc.forEach(MDC::put);
      long started = System.nanoTime();
      try {
        ActivityOutput out = super.execute(input);
        line(activityLog.atInfo(), "completed", started)
            .log(
                "step {} completed in {} ms (attempt {})",
                info.getActivityType(),
                ms(started),
                info.getAttempt());
        return out;
      } catch (ActivityCanceledException e) {
        line(activityLog.atInfo(), "canceled", started)
            .log(
                "step {} canceled after {} ms (attempt {})",
                info.getActivityType(),
                ms(started),
                info.getAttempt());
        throw e;
      } catch (ActivityCompletionException e) {
        // the worker shuts down, or the activity timed out or was reset: not a failure of the step
        line(activityLog.atInfo(), "stopped", started)
            .log(
                "step {} stopped after {} ms (attempt {}): {}",
                info.getActivityType(),
                ms(started),
                info.getAttempt(),
                e.getClass().getSimpleName());
        throw e;
      } catch (RuntimeException | Error e) {
        FailureType type = FailureType.of(e);
        boolean retryable =
            type.retryable() && !(e instanceof ApplicationFailure a && a.isNonRetryable());
        LoggingEventBuilder line =
            line(activityLog.atWarn(), "failed", started)
                .addKeyValue("failureType", type.code())
                .addKeyValue("retryable", retryable);
        // an unmapped failure (a bug) keeps its stack trace; a typed one is its type and message
        if (type == FailureType.INTERNAL) line = line.setCause(e);
        line.log(
            "step {} failed: {} ({}) after {} ms (attempt {}): {}",
            info.getActivityType(),
            type.code(),
            retryable ? "retryable" : "not retryable",
            ms(started),
            info.getAttempt(),
            e.getMessage());
        throw e;
      } finally {
        mdc.keySet().forEach(MDC::remove);
      }
    }

    private static LoggingEventBuilder line(
        LoggingEventBuilder line, String outcome, long started) {
      return line.addKeyValue("outcome", outcome).addKeyValue("durationMs", ms(started));
    }

    private static long ms(long started) {
      return (System.nanoTime() - started) / 1_000_000;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> ids(Header header) {
      Payload p = header == null ? null : header.getValues().get(HEADER);
      if (p == null) return Map.of();
      try {
        Type type = Map.class;
        return CONVERTER.fromPayload(p, Map.class, type);
      } catch (RuntimeException e) {
        return Map.of(); // a header we cannot read costs the ids on the log lines, not the step
      }
    }
  }

  /** The MDC keys this interceptor sets, for tests and docs. */
  static List<String> keys() {
    return List.of(
        WORKFLOW_ID, RUN_ID, WORKFLOW_TYPE, TASK_QUEUE, ACTIVITY_TYPE, ACTIVITY_ID, ATTEMPT);
  }
}
