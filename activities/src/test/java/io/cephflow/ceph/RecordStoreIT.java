package io.cephflow.ceph;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.librbd.RadosRecordStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The record store's atomic writes on the real dev cluster, with the least-privilege client. */
class RecordStoreIT {
  private final RecordStore store = new RadosRecordStore(CephTestCluster.cluster());

  private static String key() {
    return "it." + UUID.randomUUID();
  }

  @Test
  void aKeyIsCreatedOnceAndReadBack() {
    String key = key();
    assertThat(store.read("volumes", key)).isEmpty();
    assertThat(store.create("volumes", key, "{\"a\":1}")).isTrue();
    assertThat(store.create("volumes", key, "{\"a\":2}")).isFalse();
    assertThat(store.read("volumes", key)).contains("{\"a\":1}");
  }

  @Test
  void replaceWritesOnlyOverWhatWasRead() {
    String key = key();
    store.create("images", key, "v1");
    assertThat(store.replace("images", key, "v0", "v2")).isFalse();
    assertThat(store.read("images", key)).contains("v1");
    assertThat(store.replace("images", key, "v1", "v2")).isTrue();
    assertThat(store.read("images", key)).contains("v2");
  }

  @Test
  void ofManyConcurrentCreatesAndReplacesExactlyOneWins() throws Exception {
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> creates = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String v = "c" + i;
        creates.add(() -> store.create("vms", key, v));
      }
      assertThat(pool.invokeAll(creates).stream().filter(RecordStoreIT::won).count()).isEqualTo(1);
      String first = store.read("vms", key).orElseThrow();
      List<Callable<Boolean>> replaces = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String v = "r" + i;
        replaces.add(() -> store.replace("vms", key, first, v));
      }
      assertThat(pool.invokeAll(replaces).stream().filter(RecordStoreIT::won).count()).isEqualTo(1);
      assertThat(store.read("vms", key).orElseThrow()).startsWith("r");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void removeTakesOnlyWhatWasReadAndKeysListTheRecords() {
    String key = key();
    store.create("volumes", key, "v1");
    assertThat(store.keys("volumes")).contains(key);
    assertThat(store.remove("volumes", key, "v0")).isFalse();
    assertThat(store.remove("volumes", key, "v1")).isTrue();
    assertThat(store.read("volumes", key)).isEmpty();
    assertThat(store.keys("volumes")).doesNotContain(key);
    assertThat(store.create("volumes", key, "again"))
        .as("a removed key may be created anew")
        .isTrue();
  }

  @Test
  void recordsAreNotRbdImages() {
    String key = key();
    store.create("images", key, "x");
    assertThat(CephTestCluster.rbdCli("ls", "images")).doesNotContain(key);
  }

  private static boolean won(Future<Boolean> f) {
    try {
      return f.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
