package io.cephflow.transfer;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/** A scratch area whose file system reports the space a test says, for tests in other packages. */
public final class FakeSpaceScratch {
  private FakeSpaceScratch() {}

  public static ScratchArea of(
      Path dir, ScratchArea.Reserve reserve, LongSupplier usable, long total) {
    return new ScratchArea(
        dir,
        reserve,
        new ScratchArea.Space() {
          @Override
          public long usable() {
            return usable.getAsLong();
          }

          @Override
          public long total() {
            return total;
          }
        });
  }
}
