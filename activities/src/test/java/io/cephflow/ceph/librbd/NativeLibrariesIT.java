package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.ceph.CephConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The first touch of librados may come from a thread with little stack to spare. Runs in a JVM of
 * its own, where librados is not loaded yet: a thread with a 256 KiB stack makes the first {@link
 * CephCluster} (the load of librados' static initialisers needs about 1 MiB of stack; before the
 * load moved to a thread of its own, this JVM died with SIGSEGV, exit 139).
 */
class NativeLibrariesIT {
  @Test
  void theFirstUseOfLibradosSurvivesASmallStack() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    SmallStackMain.class.getName()))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("loaded on a 256 KiB stack");
  }

  /** Makes the first CephCluster (which loads librados) from a thread with a 256 KiB stack. */
  public static final class SmallStackMain {
    public static void main(String[] args) {
      Throwable failed =
          NativeLibraries.onStack(
              "small-stack",
              256 << 10,
              () -> CephCluster.lazy(CephConfig.fromEnv()).close()); // reads ceph.conf: librados
      if (failed != null) throw new AssertionError(failed);
      System.out.println("loaded on a 256 KiB stack");
    }
  }
}
