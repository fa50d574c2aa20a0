package io.cephflow.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The worker's private scratch directory (0700, only cephflow writes it): what intake inspects
 * must be what qemu reads, so no one else may swap the bytes in between. Files are named by
 * validated keys, never by a caller's path.
 */
public final class ScratchArea {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,120}");
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
  private final Path dir;

  public ScratchArea(Path dir) {
    try {
      Files.createDirectories(dir);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw new IOException(dir + " is not a directory");
      Files.setPosixFilePermissions(dir, PRIVATE);
      this.dir = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("scratch directory " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The file for {@code key} (it need not exist); IllegalArgumentException for a bad key. */
  public Path file(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid scratch key '" + key + "': expected " + KEY.pattern());
    }
    return dir.resolve(key);
  }

  /** A fresh, unique file name for work that lives within one call (delete it in a finally). */
  public Path newFile(String prefix) {
    return file(prefix + "-" + UUID.randomUUID());
  }

  /** Idempotent: a missing file is success. */
  public void remove(String key) {
    delete(file(key));
  }

  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + file + ": " + e.getMessage(), e);
    }
  }
}
