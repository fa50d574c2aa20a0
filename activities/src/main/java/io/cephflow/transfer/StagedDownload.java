package io.cephflow.transfer;

import io.cephflow.ceph.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Copies a source into a scratch file (0600, replaced if an earlier attempt left one), hashing
 * every byte ({@link Digests}); the partial file is removed on any failure. What it writes is
 * bounded by the scratch area's {@link StagingLimit}: the source size cap, and the free space
 * less a reserve.
 */
public final class StagedDownload {
  private static final int CHUNK = 1 << 20;

  /** @param checksum the hex of the extra digest, or null when none was asked for */
  public record Result(long bytes, String sha256, String checksum) {}

  private StagedDownload() {}

  public static Result fetch(Sources sources, ScratchArea scratch, String source, Path file, String extraAlgorithm,
                             int progressEvery, Progress progress) throws IOException {
    ScratchArea.delete(file);
    boolean done = false;
    try (Sources.Opened opened = sources.open(source);
         OutputStream out = Files.newOutputStream(Files.createFile(file,
             PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
             StandardOpenOption.WRITE);
         Digests digests = Digests.sha256(extraAlgorithm)) {
      StagingLimit limit = scratch.stagingLimit(sources.policy().maxBytes());
      limit.checkAnnounced(opened.length());
      InputStream in = opened.body();
      long total = 0, lastReport = 0;
      while (true) {
        byte[] buf = digests.buffer(CHUNK);
        int n = in.read(buf, 0, CHUNK);
        if (n <= 0) break;
        total += n;
        limit.check(total);
        out.write(buf, 0, n);
        digests.hash(buf, n); // the digests' now
        if (total - lastReport >= progressEvery) {
          progress.update(total, opened.length());
          lastReport = total;
        }
      }
      Digests.Hex hex = digests.finish();
      done = true;
      return new Result(total, hex.sha256(), hex.extra());
    } finally {
      if (!done) ScratchArea.delete(file);
    }
  }
}
