package io.cephflow.activities;

import io.cephflow.ceph.Progress;
import io.cephflow.transfer.ScratchArea;
import io.cephflow.transfer.ScratchFullException;
import io.cephflow.transfer.Sources;
import io.cephflow.transfer.StagingLimit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies a source into a scratch file (0600, replaced if an earlier attempt left one), hashing
 * every byte; the partial file is removed on any failure. What it writes is bounded by the
 * scratch area's {@link StagingLimit}: the source size cap, and the free space less a reserve.
 * The disk can still fill under it (other stagings, another tenant of the file system): that
 * is a {@link ScratchFullException}, never a failure of the source.
 */
final class StagedDownload {
  record Result(long bytes, String sha256, String checksum) {}

  private StagedDownload() {}

  static Result fetch(Sources sources, ScratchArea scratch, String source, Path file, String extraAlgorithm,
                      int progressEvery, Progress progress) throws IOException {
    ScratchArea.delete(file);
    boolean done = false;
    try (Sources.Opened opened = sources.open(source);
         OutputStream out = ScratchFullException.watch(Files.newOutputStream(Files.createFile(file,
             PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
             StandardOpenOption.WRITE), scratch.dir())) {
      MessageDigest sha256 = digest("SHA-256");
      MessageDigest extra = extraAlgorithm == null ? null : digest(extraAlgorithm);
      StagingLimit limit = scratch.stagingLimit(sources.policy().maxBytes());
      limit.checkAnnounced(opened.length());
      InputStream in = opened.body();
      byte[] buf = new byte[1 << 20];
      long total = 0, lastReport = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        limit.check(total);
        sha256.update(buf, 0, n);
        if (extra != null) extra.update(buf, 0, n);
        out.write(buf, 0, n);
        if (total - lastReport >= progressEvery) {
          progress.update(total, opened.length());
          lastReport = total;
        }
      }
      done = true;
      HexFormat hex = HexFormat.of();
      return new Result(total, hex.formatHex(sha256.digest()), extra == null ? null : hex.formatHex(extra.digest()));
    } finally {
      if (!done) ScratchArea.delete(file);
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unsupported digest " + algorithm, e);
    }
  }
}
