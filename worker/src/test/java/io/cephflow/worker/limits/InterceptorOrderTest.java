package io.cephflow.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What TemporalConfig's interceptor order relies on: the SDK wraps activity interceptors in list
 * order, so the last one is outermost and the first runs closest to the activity (the slot wait
 * sits inside the drain's count and the flow log's step time). Fails if an SDK upgrade turns it.
 */
class InterceptorOrderTest {
  static final List<String> entered = new CopyOnWriteArrayList<>();

  @ActivityInterface
  public interface Step {
    void step();
  }

  @WorkflowInterface
  public interface Once {
    @WorkflowMethod
    void run();
  }

  public static class OnceImpl implements Once {
    @Override
    public void run() {
      Workflow.newActivityStub(
              Step.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build())
          .step();
    }
  }

  static final class Recording extends WorkerInterceptorBase {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        @Override
        public ActivityOutput execute(ActivityInput input) {
          entered.add(name);
          return super.execute(input);
        }
      };
    }
  }

  @Test
  void theLastInterceptorIsOutermost() {
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new Recording("first"), new Recording("last"))
                        .build())
                .build())) {
      Worker worker = env.newWorker("order-test");
      worker.registerWorkflowImplementationTypes(OnceImpl.class);
      worker.registerActivitiesImplementations((Step) () -> entered.add("activity"));
      env.start();
      env.getWorkflowClient()
          .newWorkflowStub(
              Once.class, WorkflowOptions.newBuilder().setTaskQueue("order-test").build())
          .run();
    }
    assertThat(entered).containsExactly("last", "first", "activity");
  }
}
