package io.cephflow.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The worker's private scratch directory (0700, only cephflow writes it): what intake inspects must
 * be what qemu reads, so no one else may swap the bytes in between. Files are named by validated
 * keys, never by a caller's path. Staging keeps a reserve of its file system free ({@link
 * #stagingLimit}), so a large or endless source fails before the disk is full.
 */
public final class ScratchArea {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,120}");
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private final Path dir;
  private final Reserve reserve;
  private final Space space;

  /**
   * What staging leaves free on the scratch file system: the larger of {@code bytes} and {@code
   * percent} of its size.
   */
  public record Reserve(long bytes, int percent) {
    public static final Reserve DEFAULT = new Reserve(1L << 30, 5);

    public Reserve {
      if (bytes < 0 || percent < 0 || percent > 100) {
        throw new IllegalArgumentException(
            "reserve must be >= 0 bytes and 0..100 %, not " + bytes + ", " + percent);
      }
    }

    long of(long total) {
      return Math.max(bytes, total / 100 * percent);
    }
  }

  /** The file system's free and total space; a seam so tests need not fill a disk. */
  interface Space {
    long usable() throws IOException;

    long total() throws IOException;
  }

  public ScratchArea(Path dir) {
    this(dir, Reserve.DEFAULT);
  }

  public ScratchArea(Path dir, Reserve reserve) {
    this(dir, reserve, null);
  }

  ScratchArea(Path dir, Reserve reserve, Space space) {
    try {
      Files.createDirectories(dir);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))
        throw new IOException(dir + " is not a directory");
      Files.setPosixFilePermissions(dir, PRIVATE);
      this.dir = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("scratch directory " + dir + ": " + e.getMessage(), e);
    }
    this.reserve = reserve;
    this.space = space != null ? space : storeOf(this.dir);
  }

  private static Space storeOf(Path dir) {
    return new Space() {
      @Override
      public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
      }

      @Override
      public long total() throws IOException {
        return Files.getFileStore(dir).getTotalSpace();
      }
    };
  }

  public Path dir() {
    return dir;
  }

  /**
   * What the metrics show: the files' apparent sizes, and the file system's usable and total bytes.
   */
  public record Usage(long filesBytes, long usableBytes, long totalBytes) {}

  public Usage usage() {
    long files = 0;
    try (Stream<Path> list = Files.list(dir)) {
      for (Path f : (Iterable<Path>) list::iterator) {
        try {
          if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) files += Files.size(f);
        } catch (IOException e) {
          // removed meanwhile
        }
      }
      return new Usage(files, space.usable(), space.total());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bound on one staging that starts now: at most {@code cap} bytes, and never into the reserve
   * of the scratch file system (re-read as the staging goes, as others stage too).
   */
  public StagingLimit stagingLimit(long cap) {
    return new StagingLimit(cap, this);
  }

  /** The bytes staging leaves free on the scratch file system. */
  long reserve() throws IOException {
    return reserve.of(space.total());
  }

  long usable() throws IOException {
    return space.usable();
  }

  /** The file for {@code key} (it need not exist); IllegalArgumentException for a bad key. */
  public Path file(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "invalid scratch key '" + key + "': expected " + KEY.pattern());
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

  /**
   * Removes files not modified for {@code maxAge}: what a worker that died mid-flow left behind (a
   * staged upload, an exported image being converted). A live flow touches its file within one
   * activity; one that finds its file swept fails cleanly with "source not found".
   *
   * @return the names removed
   */
  public List<String> sweep(Duration maxAge) {
    Instant cutoff = Instant.now().minus(maxAge);
    List<String> removed = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        try {
          if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
              && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)
                  .toInstant()
                  .isBefore(cutoff)
              && Files.deleteIfExists(f)) {
            removed.add(f.getFileName().toString());
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours to remove: the next sweep tries again
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir + ": " + e.getMessage(), e);
    }
    return removed;
  }

  public static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + file + ": " + e.getMessage(), e);
    }
  }
}
