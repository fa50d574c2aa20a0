package io.cephflow.workflows.common;

import io.cephflow.workflows.storage.StorageActivities;
import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import java.util.function.BiFunction;

/**
 * The preamble the flows that copy an RBD image into a new resource share (BootFromImage,
 * CreateVolumeFromImage, CreateImageFromServer; workflow code): claim the new resource, made from
 * what it copies, then read what it copies.
 *
 * @param image what is copied
 * @param stat as Ceph had it when read
 * @param source an image read as a copy's source (null for a server disk)
 */
public record CopySource(RbdRef image, ImageStat stat, ImageSource source) {
  /**
   * claim {@code kind:id} made from {@code image:<imageId>} → read the image ({@link
   * ImageSource#of}).
   */
  public static CopySource claimAndRead(
      Flow flow,
      StorageActivities storage,
      String kind,
      String id,
      Object request,
      String imageId) {
    return claimAndRead(flow, storage, kind, id, request, imageId, ImageSource::of);
  }

  /**
   * As above, the image read by {@code reader} (flows from before the records read it their own
   * way).
   */
  public static CopySource claimAndRead(
      Flow flow,
      StorageActivities storage,
      String kind,
      String id,
      Object request,
      String imageId,
      BiFunction<String, ImageStat, ImageSource> reader) {
    RbdRef image = RbdRef.image(imageId);
    ImageStat stat =
        claimAndStat(
            flow, storage, kind, id, request, ResourceTags.image(imageId), "inspect-image", image);
    return new CopySource(image, stat, reader.apply(imageId, stat));
  }

  /** claim {@code kind:id} made from {@code madeFrom} → {@code step}: stat {@code from}. */
  public static ImageStat claimAndStat(
      Flow flow,
      StorageActivities storage,
      String kind,
      String id,
      Object request,
      String madeFrom,
      String step,
      RbdRef from) {
    flow.claim(kind, id, request, madeFrom);
    flow.at(step);
    return storage.statImage(from);
  }
}
