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
  public static final String SHA256 = PREFIX + "sha256";
  public static final String CREATED_AT = PREFIX + "created-at";

  private Provenance() {}

  /** A source as it may be stored and shown: no user info, query or fragment (may hold secrets). */
  public static String redactSource(String source) {
    try {
      URI u = URI.create(source);
      if (u.getScheme() == null || u.getHost() == null) return source;
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
    } catch (Exception e) {
      return "(unparseable source)";
    }
  }
}
