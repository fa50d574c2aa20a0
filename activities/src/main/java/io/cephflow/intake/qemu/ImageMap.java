package io.cephflow.intake.qemu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the output of {@code qemu-img map --output=json} one extent at a time (a fragmented image
 * can have millions; none is kept). Every extent is checked before it is handed out: they must be
 * contiguous from 0, lie within the virtual size, come from the image itself (depth 0: there is no
 * backing file), and a host offset must lie within the file. {@link #next()} fails when the extents
 * end short of the virtual size.
 */
final class ImageMap implements AutoCloseable {

  /**
   * One extent of the guest view.
   *
   * @param hostOffset where the bytes lie in the image file, stored as they read (qemu reports an
   *     offset only then: never for compressed or encrypted clusters), or -1 when qemu must decode
   *     them
   */
  record Extent(long start, long length, boolean readsAsZero, long hostOffset) {
    boolean direct() {
      return hostOffset >= 0;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser parser;
  private final long virtualSize;
  private final long fileSize;
  private long covered;

  private ImageMap(JsonParser parser, long virtualSize, long fileSize) {
    this.parser = parser;
    this.virtualSize = virtualSize;
    this.fileSize = fileSize;
  }

  /**
   * @param fileSize the size of the image file the offsets point into
   */
  static ImageMap open(Path mapJson, long virtualSize, long fileSize) throws IOException {
    JsonParser p = JSON.createParser(mapJson.toFile());
    try {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw bad("qemu-img map printed no JSON array");
      }
      return new ImageMap(p, virtualSize, fileSize);
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** The next extent, or {@code null} once the extents have covered the virtual size. */
  Extent next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.END_ARRAY || t == null) {
      if (covered != virtualSize) {
        throw bad("qemu-img map covers " + covered + " of " + virtualSize + " bytes");
      }
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw bad("qemu-img map: expected an object, found " + t);
    }
    long start = -1, length = -1, depth = 0, offset = -1;
    boolean zero = false, data = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "start" -> start = number(value, field);
        case "length" -> length = number(value, field);
        case "depth" -> depth = number(value, field);
        case "offset" -> offset = number(value, field);
        case "zero" -> zero = value == JsonToken.VALUE_TRUE;
        case "data" -> data = value == JsonToken.VALUE_TRUE;
        default -> parser.skipChildren();
      }
    }
    return check(start, length, depth, zero || !data, offset);
  }

  private Extent check(long start, long length, long depth, boolean readsAsZero, long offset)
      throws IOException {
    if (start != covered || length <= 0 || length > virtualSize - start) {
      throw bad(
          "qemu-img map: extent ["
              + start
              + ", +"
              + length
              + ") does not follow "
              + covered
              + " within "
              + virtualSize
              + " bytes");
    }
    if (depth != 0) {
      throw bad(
          "qemu-img map: extent at " + start + " comes from a backing file (depth " + depth + ")");
    }
    if (!readsAsZero && offset >= 0 && (offset > fileSize || length > fileSize - offset)) {
      throw bad("qemu-img map: extent at " + start + " points past the end of the file");
    }
    covered = start + length;
    return new Extent(start, length, readsAsZero, readsAsZero ? -1 : offset);
  }

  private long number(JsonToken value, String field) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw bad("qemu-img map: \"" + field + "\" is not an integer");
    }
    long v = parser.getLongValue();
    if (v < 0) {
      throw bad("qemu-img map: negative \"" + field + "\"");
    }
    return v;
  }

  private static IOException bad(String message) {
    return new QemuProcessException(QemuProcessException.Kind.FAILED, message);
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
