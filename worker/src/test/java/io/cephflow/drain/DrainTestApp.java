package io.cephflow.drain;

import io.cephflow.worker.RunningActivities;
import io.cephflow.worker.WorkerDrain;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A worker process for {@link WorkerDrainIT}: a Spring application (its shutdown hook, its
 * lifecycle) with cephflow's {@link WorkerDrain} over a Temporal worker that runs one slow,
 * heartbeating activity. Arguments: the Temporal target and the drain's grace. Its package is
 * outside io.cephflow.worker on purpose: the worker application's component scan must not find it.
 */
@Configuration(proxyBeanMethods = false)
public class DrainTestApp {
  public static final String QUEUE = "drain-test";

  @WorkflowInterface
  public interface SlowFlow {
    @WorkflowMethod
    int run(int seconds);
  }

  @ActivityInterface
  public interface SlowStep {
    /** Sleeps {@code seconds}, heartbeating every 200 ms; returns the number of heartbeats. */
    int sleep(int seconds);
  }

  public static class SlowFlowImpl implements SlowFlow {
    @Override
    public int run(int seconds) {
      return Workflow.newActivityStub(
              SlowStep.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(5))
                  .setHeartbeatTimeout(Duration.ofSeconds(5))
                  .setRetryOptions(
                      io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .sleep(seconds);
    }
  }

  public static class SlowStepImpl implements SlowStep {
    @Override
    public int sleep(int seconds) {
      System.out.println("activity: started");
      int beats = 0;
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          System.out.println("activity: interrupted after " + beats + " heartbeats");
          Thread.currentThread().interrupt();
          throw Activity.wrap(e);
        }
        Activity.getExecutionContext().heartbeat(beats++);
      }
      System.out.println("activity: finished after " + beats + " heartbeats");
      return beats;
    }
  }

  @Bean(destroyMethod = "shutdown")
  WorkflowServiceStubs stubs(org.springframework.core.env.Environment env) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(env.getRequiredProperty("target"))
            .build());
  }

  @Bean
  RunningActivities running() {
    return new RunningActivities();
  }

  @Bean(destroyMethod = "shutdown")
  WorkerFactory factory(WorkflowServiceStubs stubs, RunningActivities running) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(stubs),
            WorkerFactoryOptions.newBuilder().setWorkerInterceptors(running).build());
    var worker = factory.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(SlowFlowImpl.class);
    worker.registerActivitiesImplementations(new SlowStepImpl());
    return factory;
  }

  @Bean
  WorkerDrain drain(
      WorkerFactory factory,
      RunningActivities running,
      org.springframework.core.env.Environment env) {
    return new WorkerDrain(factory, running, Duration.parse(env.getRequiredProperty("grace")));
  }

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(DrainTestApp.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    ConfigurableApplicationContext context = app.run(args);
    context.getBean(WorkerFactory.class).start();
    System.out.println("worker: polling");
  }
}
