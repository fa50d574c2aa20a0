package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.ceph.CephConfig;
import io.cephflow.ceph.Rbd;
import io.cephflow.ceph.RbdException;
import io.cephflow.workflows.common.RbdRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Closing the cluster handle while calls are in flight: before, close shut librados down under them
 * and the JVM died (Objecter assert, or SIGSEGV in librbd reading the freed client), as a worker's
 * activities that outlived the drain did. Each test connects a handle of its own.
 */
class CephClusterCloseIT {
  private static CephCluster connect(Duration closeWait) {
    return CephCluster.connect(CephConfig.fromEnv(), closeWait);
  }

  @Test
  void aPoolContextStillOpenKeepsLibradosUpAndTheLastOneOutShutsItDown() {
    CephCluster cluster = connect(Duration.ofMillis(200));
    CephCluster.Pool pool = cluster.pool("volumes");
    cluster.close(); // gives up waiting: the pool context is still open
    assertThat(cluster.isShutDown()).isFalse();
    // the open context still works (it read freed memory before)
    assertThat(pool.objects("jn-empty")).isNotNull();
    assertThatThrownBy(() -> cluster.pool("volumes"))
        .isInstanceOfSatisfying(
            RbdException.class, e -> assertThat(e.kind()).isEqualTo(RbdException.Kind.TIMED_OUT));
    pool.close();
    assertThat(cluster.isShutDown()).isTrue();
    pool.close(); // a second close destroys nothing twice
    cluster.close();
  }

  @Test
  void closeWaitsForTheOpenPoolContexts() throws Exception {
    CephCluster cluster = connect(Duration.ofSeconds(60));
    CephCluster.Pool pool = cluster.pool("volumes");
    AtomicBoolean released = new AtomicBoolean();
    CountDownLatch closing = new CountDownLatch(1);
    Thread user =
        new Thread(
            () -> {
              try {
                closing.await();
                Thread.sleep(300);
                pool.objects("jn-empty"); // still usable while close waits
                released.set(true);
                pool.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    user.start();
    closing.countDown();
    cluster.close();
    assertThat(released).isTrue();
    assertThat(cluster.isShutDown()).isTrue();
    user.join();
  }

  @Test
  void busyThreadsGetTypedErrorsNotACrashWhenTheHandleCloses() throws Exception {
    CephCluster cluster = connect(Duration.ofSeconds(30));
    Rbd rbd = Librbd.over(cluster, 4);
    RbdRef missing = new RbdRef("volumes", "jn-close-missing");
    AtomicLong calls = new AtomicLong();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(4);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          new Thread(
              () -> {
                started.countDown();
                try {
                  while (true) {
                    rbd.images().exists(missing);
                    rbd.images().list("volumes");
                    calls.incrementAndGet();
                  }
                } catch (RbdException e) {
                  if (e.kind() != RbdException.Kind.TIMED_OUT) unexpected.set(e);
                } catch (Throwable e) {
                  unexpected.set(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    started.await();
    while (calls.get() < 20) Thread.sleep(10);
    cluster.close();
    for (Thread t : threads) t.join();
    assertThat(unexpected.get()).isNull();
    assertThat(cluster.isShutDown()).isTrue();
  }
}
