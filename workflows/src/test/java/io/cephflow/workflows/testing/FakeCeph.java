package io.cephflow.workflows.testing;

import io.cephflow.workflows.common.Failures;
import io.cephflow.workflows.common.Provenance;
import io.cephflow.workflows.common.RbdRef;
import io.cephflow.workflows.common.SnapRef;
import io.cephflow.workflows.storage.StorageActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * RBD in memory, for workflow-logic tests only: images with owners, snapshots (protected or not),
 * copy-on-write parents and metadata, with librbd's refusals (a clone needs a protected snapshot, a
 * snapshot with clones cannot be unprotected, an image with snapshots cannot be removed) and the
 * adapter's idempotency rules. What it holds is listed by {@link #world()}.
 */
public final class FakeCeph implements StorageActivities {
  public static final class Img {
    long size;
    SnapRef parent;
    final Map<String, Boolean> snaps = new LinkedHashMap<>(); // name -> protected
    final Map<String, String> meta = new HashMap<>();
  }

  public final Map<String, Img> images = new HashMap<>();

  /** Every image and snapshot, as {@code pool/name[@snap]}, sorted. */
  public synchronized TreeSet<String> world() {
    TreeSet<String> out = new TreeSet<>();
    images.forEach(
        (name, img) -> {
          out.add(name);
          img.snaps.keySet().forEach(s -> out.add(name + "@" + s));
        });
    return out;
  }

  public synchronized String owner(String name) {
    Img i = images.get(name);
    return i == null ? null : i.meta.get(Provenance.OWNER);
  }

  private static ApplicationFailure fail(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  private List<RbdRef> children(SnapRef s) {
    List<RbdRef> out = new ArrayList<>();
    images.forEach(
        (name, img) -> {
          if (s.equals(img.parent)) out.add(ref(name));
        });
    return out;
  }

  private static RbdRef ref(String name) {
    String[] p = name.split("/", 2);
    return new RbdRef(p[0], p[1]);
  }

  @Override
  public synchronized void createImage(RbdRef ref, long sizeBytes, String owner) {
    Img i = images.get(ref.toString());
    if (i != null) {
      if (owner.equals(i.meta.get(Provenance.OWNER))) return;
      throw fail(Failures.CONFLICT, ref + " exists");
    }
    Img n = new Img();
    n.size = sizeBytes;
    n.meta.put(Provenance.OWNER, owner);
    images.put(ref.toString(), n);
  }

  @Override
  public synchronized void removeImage(RbdRef ref, String owner) {
    Img i = images.get(ref.toString());
    if (i == null || !owner.equals(i.meta.get(Provenance.OWNER))) return;
    for (String s : i.snaps.keySet()) {
      if (!children(new SnapRef(ref, s)).isEmpty())
        throw fail(Failures.IN_USE, ref + "@" + s + " has clones");
    }
    images.remove(ref.toString());
  }

  @Override
  public synchronized void createSnapshot(SnapRef snap) {
    Img i = images.get(snap.image().toString());
    if (i == null) throw fail(Failures.NOT_FOUND, snap.image() + " does not exist");
    i.snaps.putIfAbsent(snap.snapshot(), false);
  }

  @Override
  public synchronized void removeSnapshot(SnapRef snap) {
    Img i = images.get(snap.image().toString());
    if (i == null || !i.snaps.containsKey(snap.snapshot())) return;
    if (i.snaps.get(snap.snapshot())) throw fail("Busy", snap + " is protected");
    i.snaps.remove(snap.snapshot());
  }

  @Override
  public synchronized void protectSnapshot(SnapRef snap) {
    Img i = images.get(snap.image().toString());
    if (i == null || !i.snaps.containsKey(snap.snapshot()))
      throw fail(Failures.NOT_FOUND, snap + " does not exist");
    i.snaps.put(snap.snapshot(), true);
  }

  @Override
  public synchronized void unprotectSnapshot(SnapRef snap) {
    Img i = images.get(snap.image().toString());
    if (i == null || !i.snaps.containsKey(snap.snapshot())) return;
    if (!children(snap).isEmpty()) throw fail(Failures.IN_USE, snap + " has clones");
    i.snaps.put(snap.snapshot(), false);
  }

  @Override
  public synchronized void setMetadata(RbdRef ref, Map<String, String> entries) {
    Img i = images.get(ref.toString());
    if (i == null) throw fail(Failures.NOT_FOUND, ref + " does not exist");
    i.meta.putAll(entries);
  }

  @Override
  public synchronized void replaceProvenance(
      RbdRef ref, Map<String, String> entries, List<String> keep) {
    Img i = images.get(ref.toString());
    if (i == null) throw fail(Failures.NOT_FOUND, ref + " does not exist");
    i.meta.keySet().removeIf(k -> !k.equals(Provenance.OWNER) && !keep.contains(k));
    i.meta.putAll(entries);
  }

  @Override
  public synchronized void resizeImage(RbdRef ref, long sizeBytes, boolean allowShrink) {
    Img i = images.get(ref.toString());
    if (i == null) throw fail(Failures.NOT_FOUND, ref + " does not exist");
    i.size = sizeBytes;
  }

  @Override
  public synchronized void cloneImage(SnapRef parent, RbdRef child, String owner) {
    Img p = images.get(parent.image().toString());
    if (p == null || !Boolean.TRUE.equals(p.snaps.get(parent.snapshot()))) {
      throw fail(Failures.NOT_FOUND, parent + " does not exist or is not protected");
    }
    Img c = images.get(child.toString());
    if (c != null) {
      if (owner.equals(c.meta.get(Provenance.OWNER)) && parent.equals(c.parent)) return;
      throw fail(Failures.CONFLICT, child + " exists");
    }
    Img n = new Img();
    n.size = p.size;
    n.parent = parent;
    n.meta.putAll(p.meta); // as librbd: a clone inherits its parent's metadata
    n.meta.put(Provenance.OWNER, owner);
    images.put(child.toString(), n);
  }

  @Override
  public synchronized void flattenImage(RbdRef ref) {
    Img i = images.get(ref.toString());
    if (i == null) throw fail(Failures.NOT_FOUND, ref + " does not exist");
    i.parent = null;
  }

  @Override
  public synchronized ImageStat statImage(RbdRef ref) {
    Img i = images.get(ref.toString());
    if (i == null) return new ImageStat(false, 0, null, 0, Map.of());
    int depth = 0;
    for (Img c = i; c.parent != null; c = images.get(c.parent.image().toString())) depth++;
    return new ImageStat(true, i.size, i.parent, depth, Map.copyOf(i.meta));
  }

  @Override
  public synchronized List<RbdRef> listChildren(SnapRef snap) {
    return children(snap);
  }

  @Override
  public synchronized List<SnapshotStat> listSnapshots(RbdRef ref) {
    Img i = images.get(ref.toString());
    if (i == null) return List.of();
    List<SnapshotStat> out = new ArrayList<>();
    i.snaps.forEach((n, p) -> out.add(new SnapshotStat(n, i.size, p)));
    return out;
  }

  @Override
  public synchronized void deleteImage(RbdRef ref) {
    Img i = images.get(ref.toString());
    if (i == null) return;
    if (!i.snaps.isEmpty()) throw fail(Failures.IN_USE, ref + " has snapshots " + i.snaps.keySet());
    images.remove(ref.toString());
  }
}
