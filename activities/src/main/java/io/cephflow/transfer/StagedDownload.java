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
 * Copies a source into a scratch file (0600, replaced if an earlier attempt left one), computing
 * its chunked SHA-256 (and its SHA-256 and an extra digest when asked) on the digest threads of a
 * {@link DigestPipe}; the partial file is removed on any failure. What it writes is bounded by the
 * scratch area's {@link StagingLimit}: the source size cap, and the free space less a reserve. The
 * disk can still fill under it (other stagings, another tenant of the file system): that is a
 * {@link ScratchFullException}, never a failure of the source.
 */
public final class StagedDownload {
  private static final int CHUNK = 1 << 20;

  /**
   * @param sha256 null when not asked for
   * @param checksum the hex of the extra digest, or null when none was asked for
   * @param chunkedSha256 always computed ({@link ChunkedSha256})
   */
  public record Result(long bytes, String sha256, String checksum, String chunkedSha256) {}

  private StagedDownload() {}

  public static Result fetch(
      Sources sources,
      ScratchArea scratch,
      String source,
      Path file,
      boolean sha256Wanted,
      String extraAlgorithm,
      int progressEvery,
      Progress progress)
      throws IOException {
    ScratchArea.delete(file);
    boolean done = false;
    try (Sources.Opened opened = sources.open(source);
        OutputStream out =
            ScratchFullException.watch(
                Files.newOutputStream(
                    Files.createFile(
                        file,
                        PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))),
                    StandardOpenOption.WRITE),
                scratch.dir());
        DigestPipe digests =
            new DigestPipe(
                sha256Wanted ? "SHA-256" : null, extraAlgorithm, ChunkedSha256.ALGORITHM)) {
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
      String[] hex = digests.finish();
      done = true;
      return new Result(total, hex[0], hex[1], hex[2]);
    } finally {
      if (!done) ScratchArea.delete(file);
    }
  }
}
