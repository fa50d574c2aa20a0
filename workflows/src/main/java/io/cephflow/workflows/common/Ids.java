package io.cephflow.workflows.common;

import java.util.regex.Pattern;

/** Resource ids are UUIDs (lower case): safe in RBD names, libvirt names and workflow ids. */
public final class Ids {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && UUID.matcher(id).matches();
  }

  /** Throws IllegalArgumentException naming the field when {@code id} is not a lower-case UUID. */
  public static String require(String field, String id) {
    if (!isValid(id))
      throw new IllegalArgumentException(field + " must be a lower-case UUID, got '" + id + "'");
    return id;
  }
}
