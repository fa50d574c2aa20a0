package io.cephflow.worker.faults;

import com.uber.m3.tally.Scope;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.activity.ManualActivityCompletionClient;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.common.CancellationToken;
import java.lang.reflect.Type;
import java.util.Optional;

/** An activity context that forwards every call; subclasses change one. */
class ForwardingActivityContext implements ActivityExecutionContext {
  private final ActivityExecutionContext delegate;

  ForwardingActivityContext(ActivityExecutionContext delegate) {
    this.delegate = delegate;
  }

  @Override
  public ActivityInfo getInfo() {
    return delegate.getInfo();
  }

  @Override
  public <V> void heartbeat(V details) {
    delegate.heartbeat(details);
  }

  @Override
  public <V> Optional<V> getHeartbeatDetails(Class<V> c) {
    return delegate.getHeartbeatDetails(c);
  }

  @Override
  public <V> Optional<V> getHeartbeatDetails(Class<V> c, Type t) {
    return delegate.getHeartbeatDetails(c, t);
  }

  @Override
  public <V> Optional<V> getLastHeartbeatDetails(Class<V> c) {
    return delegate.getLastHeartbeatDetails(c);
  }

  @Override
  public <V> Optional<V> getLastHeartbeatDetails(Class<V> c, Type t) {
    return delegate.getLastHeartbeatDetails(c, t);
  }

  @Override
  public byte[] getTaskToken() {
    return delegate.getTaskToken();
  }

  @Override
  public CancellationToken<ActivityCanceledException> getCancellationToken() {
    return delegate.getCancellationToken();
  }

  @Override
  public void doNotCompleteOnReturn() {
    delegate.doNotCompleteOnReturn();
  }

  @Override
  public boolean isDoNotCompleteOnReturn() {
    return delegate.isDoNotCompleteOnReturn();
  }

  @Override
  public boolean isUseLocalManualCompletion() {
    return delegate.isUseLocalManualCompletion();
  }

  @Override
  public ManualActivityCompletionClient useLocalManualCompletion() {
    return delegate.useLocalManualCompletion();
  }

  @Override
  public Scope getMetricsScope() {
    return delegate.getMetricsScope();
  }

  @Override
  public WorkflowClient getWorkflowClient() {
    return delegate.getWorkflowClient();
  }

  @Override
  public Object getInstance() {
    return delegate.getInstance();
  }
}
