package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.ResourceRecord;
import io.cephflow.workflows.storage.ResourceActivities;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link InMemoryRecords} whose {@code settleCreate} holds until released, after it settled: a test
 * cancels the flow while the settle runs (the cancel lands between the settle and the flow's last
 * cancel check).
 */
public final class SettleGate implements ResourceActivities {
  public final InMemoryRecords records = new InMemoryRecords();
  public final CountDownLatch settling = new CountDownLatch(1);
  public final CountDownLatch release = new CountDownLatch(1);

  @Override
  public ResourceRecord settleCreate(String kind, String id, String operation, String usedBy) {
    ResourceRecord r = records.settleCreate(kind, id, operation, usedBy);
    settling.countDown();
    try {
      release.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return r;
  }

  @Override
  public ResourceRecord readRecord(String kind, String id) {
    return records.readRecord(kind, id);
  }

  @Override
  public ResourceRecord claimCreate(Claim claim) {
    return records.claimCreate(claim);
  }

  @Override
  public ResourceRecord reopenCreate(String kind, String id, String operation, String usedBy) {
    return records.reopenCreate(kind, id, operation, usedBy);
  }

  @Override
  public ResourceRecord reclaimFailed(String kind, String id, String operation) {
    return records.reclaimFailed(kind, id, operation);
  }

  @Override
  public void releaseCreate(String kind, String id, String creator, boolean clean) {
    records.releaseCreate(kind, id, creator, clean);
  }

  @Override
  public ResourceRecord beginDelete(
      String kind, String id, String operation, boolean existsUnrecorded) {
    return records.beginDelete(kind, id, operation, existsUnrecorded);
  }

  @Override
  public void finishDelete(String kind, String id, String operation) {
    records.finishDelete(kind, id, operation);
  }

  @Override
  public void abortDelete(String kind, String id, String operation) {
    records.abortDelete(kind, id, operation);
  }

  @Override
  public ResourceRecord attach(String kind, String id, String user, boolean existsUnrecorded) {
    return records.attach(kind, id, user, existsUnrecorded);
  }

  @Override
  public ResourceRecord hold(String kind, String id, String operation, boolean existsUnrecorded) {
    return records.hold(kind, id, operation, existsUnrecorded);
  }

  @Override
  public void letGo(String kind, String id, String operation) {
    records.letGo(kind, id, operation);
  }

  @Override
  public void detach(String kind, String id, String user) {
    records.detach(kind, id, user);
  }
}
