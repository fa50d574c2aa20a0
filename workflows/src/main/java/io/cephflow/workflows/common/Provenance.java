package io.cephflow.workflows.common;

import java.net.URI;

/** Metadata keys stored with every image cephflow creates, so Ceph stays the source of truth. */
public final class Provenance {
  public static final String PREFIX = "cephflow.";

  /** The workflow id that created the image: only its owner's compensation removes it. */
  public static final String OWNER = PREFIX + "owner";

  public static final String NAME = PREFIX + "name";
  public static final String SOURCE = PREFIX + "source";
  public static final String FORMAT = PREFIX + "disk-format";
  public static final String SIZE = PREFIX + "size";

  /** The size of the disk the image holds (equals SIZE for raw). */
  public static final String VIRTUAL_SIZE = PREFIX + "virtual-size";

  /**
   * SHA-256 of every byte of the image (as {@code sha256sum}); since chunked-sha256 only when asked
   * for.
   */
  public static final String SHA256 = PREFIX + "sha256";

  /**
   * The provenance digest of every upload: SHA-256 over the SHA-256 of each 4 MiB chunk (the last
   * one short), cheap on holes; verified by {@code split -b 4194304 --filter='sha256sum | cut
   * -c1-64 | xxd -r -p' FILE | sha256sum} (docs/intake.md).
   */
  public static final String CHUNKED_SHA256 = PREFIX + "chunked-sha256";

  public static final String CREATED_AT = PREFIX + "created-at";

  /**
   * On a non-raw image: its raw copy's snapshot ({@code images/<id>_raw@snap}), set once the copy
   * is complete and protected; every later boot or volume clones it.
   */
  public static final String RAW_COPY = PREFIX + "raw-copy";

  /** On an image converted to raw at upload ({@code convert: raw}): the format it arrived in. */
  public static final String SOURCE_FORMAT = PREFIX + "source-format";

  /** On an image converted to raw at upload: the SHA-256 of the file as it arrived. */
  public static final String SOURCE_SHA256 = PREFIX + "source-sha256";

  /** On an image converted to raw at upload: the chunked SHA-256 of the file as it arrived. */
  public static final String SOURCE_CHUNKED_SHA256 = PREFIX + "source-chunked-sha256";

  private Provenance() {}

  /** A source as it may be stored and shown: no user info, query or fragment (may hold secrets). */
  public static String redactSource(String source) {
    try {
      URI u = URI.create(source);
      if (u.getScheme() == null || u.getHost() == null) return source;
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (Exception e) {
      return "(unparseable source)";
    }
  }
}
