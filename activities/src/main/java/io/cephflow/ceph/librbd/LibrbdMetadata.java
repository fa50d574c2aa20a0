package io.cephflow.ceph.librbd;

import com.sun.jna.ptr.LongByReference;
import io.cephflow.ceph.RbdMetadata;
import io.cephflow.ceph.RbdNames;
import io.cephflow.workflows.common.RbdRef;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** {@link RbdMetadata} over librbd's rbd_metadata_* (not bound by rados-java 0.6.0). */
public final class LibrbdMetadata implements RbdMetadata {
  private static final RbdNative RBD = RbdNative.INSTANCE;
  private final CephCluster cluster;

  public LibrbdMetadata(CephCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Optional<String> get(RbdRef ref, String key) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      byte[] buf = new byte[1024];
      LongByReference len = new LongByReference(buf.length);
      int rc = RBD.rbd_metadata_get(image.ptr(), key, buf, len);
      if (Errno.of(rc) == Errno.ERANGE) {
        buf = new byte[(int) len.getValue()];
        rc = RBD.rbd_metadata_get(image.ptr(), key, buf, len);
      }
      if (Errno.of(rc) == Errno.ENOENT) return Optional.empty();
      Check.rc(rc, "get metadata " + key + " of " + ref);
      return Optional.of(Check.cString(buf));
    }
  }

  @Override
  public void set(RbdRef ref, String key, String value) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      Check.rc(RBD.rbd_metadata_set(image.ptr(), key, value), "set metadata " + key + " of " + ref);
    }
  }

  @Override
  public void setAll(RbdRef ref, Map<String, String> entries) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      set(image, entries);
    }
  }

  private static void set(Image image, Map<String, String> entries) {
    entries.forEach(
        (k, v) ->
            Check.rc(
                RBD.rbd_metadata_set(image.ptr(), k, v),
                "set metadata " + k + " of " + image.ref()));
  }

  @Override
  public Map<String, String> list(RbdRef ref) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref, null, true)) {
      return list(image);
    }
  }

  private static Map<String, String> list(Image image) {
    int size = 4096;
    while (true) {
      byte[] keys = new byte[size], values = new byte[size];
      LongByReference keysLen = new LongByReference(size), valuesLen = new LongByReference(size);
      int rc = RBD.rbd_metadata_list(image.ptr(), "", 0, keys, keysLen, values, valuesLen);
      if (Errno.of(rc) == Errno.ERANGE) {
        size = (int) Math.max(keysLen.getValue(), valuesLen.getValue()) + 1;
        continue;
      }
      Check.rc(rc, "list metadata of " + image.ref());
      List<String> k = Check.strings(keys, keysLen.getValue());
      List<String> v = splitKeepEmpty(values, valuesLen.getValue());
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < k.size(); i++) out.put(k.get(i), i < v.size() ? v.get(i) : "");
      return out;
    }
  }

  @Override
  public void replace(RbdRef ref, Predicate<String> drop, Map<String, String> entries) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      for (String key : list(image).keySet()) {
        if (!drop.test(key) || entries.containsKey(key)) continue;
        Check.rcOrMissing(
            RBD.rbd_metadata_remove(image.ptr(), key), "remove metadata " + key + " of " + ref);
      }
      set(image, entries);
    }
  }

  private static List<String> splitKeepEmpty(byte[] buf, long len) {
    List<String> out = new java.util.ArrayList<>();
    int start = 0;
    for (int i = 0; i < len; i++) {
      if (buf[i] == 0) {
        out.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return out;
  }

  @Override
  public void remove(RbdRef ref, String key) {
    RbdNames.check(ref);
    try (var pool = cluster.pool(ref.pool());
        var image = Image.open(pool, ref)) {
      Check.rcOrMissing(
          RBD.rbd_metadata_remove(image.ptr(), key), "remove metadata " + key + " of " + ref);
    }
  }
}
