package io.cephflow.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cephflow.activities.ActivityErrors;
import io.cephflow.workflows.common.Failures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A full scratch file system is named as such, typed NoSpace and not retried; other write errors
 * pass.
 */
class ScratchFullExceptionTest {
  private static final Path DIR = Path.of("/var/lib/cephflow/scratch");

  /** Takes {@code room} bytes, then fails every write as the kernel would. */
  private static OutputStream disk(int room, String error) {
    return new OutputStream() {
      private final ByteArrayOutputStream taken = new ByteArrayOutputStream();

      @Override
      public void write(int b) throws IOException {
        if (taken.size() >= room) throw new IOException(error);
        taken.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (taken.size() + len > room) throw new IOException(error);
        taken.write(b, off, len);
      }
    };
  }

  @Test
  void noSpaceOnTheScratchFileSystemNamesTheAreaAndWhatWasWritten() throws Exception {
    OutputStream out = ScratchFullException.watch(disk(3 << 20, "No space left on device"), DIR);
    out.write(new byte[1 << 20]);
    out.write(new byte[1 << 20]);
    assertThatThrownBy(() -> out.write(new byte[2 << 20]))
        .isInstanceOf(ScratchFullException.class)
        .hasMessageContaining("the scratch area " + DIR + " is full (No space left on device)")
        .hasMessageContaining("after " + (2 << 20) + " bytes");
  }

  @Test
  void aQuotaCountsAsFullAndOtherErrorsAreLeftAlone() throws Exception {
    OutputStream quota = ScratchFullException.watch(disk(0, "Disk quota exceeded"), DIR);
    assertThatThrownBy(() -> quota.write(1)).isInstanceOf(ScratchFullException.class);
    OutputStream broken = ScratchFullException.watch(disk(0, "Input/output error"), DIR);
    assertThatThrownBy(() -> broken.write(new byte[8]))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("Input/output error");
  }

  @Test
  void itIsANonRetryableNoSpaceFailure() {
    var failure =
        ActivityErrors.of(
            new ScratchFullException("the scratch area x is full", new IOException("ENOSPC")));
    assertThat(failure.getType()).isEqualTo(Failures.NO_SPACE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("the scratch area x is full");
  }
}
