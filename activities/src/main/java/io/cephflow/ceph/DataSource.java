package io.cephflow.ceph;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The data to write into an image, as regions at offsets. A source may skip holes, so offsets need
 * not be contiguous; whatever it skips reads back as zeros from a new image.
 */
public interface DataSource extends AutoCloseable {
  /** The logical size in bytes (the image size it describes), or -1 while unknown. */
  long size();

  /**
   * Fills {@code dst} from its position up to its limit with the next data region (a short fill
   * only at the end of a region) and returns the region's offset, or -1 at the end.
   */
  long next(ByteBuffer dst) throws IOException;

  @Override
  void close() throws IOException;
}
