package io.cephflow.starter.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.cephflow.starter.api.Problems.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** What a strict JSON read refused, said per field and without Java class names. */
public final class JsonErrors {
  private JsonErrors() {}

  /** The fields at fault in {@code cause} (empty when the body is not JSON at all). */
  public static List<FieldError> fields(Throwable cause) {
    if (!(cause instanceof JsonMappingException m) || m.getPath().isEmpty()) return List.of();
    return List.of(new FieldError(path(m), message(m)));
  }

  /** One sentence for the whole body. */
  public static String detail(Throwable cause) {
    if (cause instanceof UnrecognizedPropertyException u) {
      return "unknown field '"
          + path(u)
          + "'; known fields: "
          + u.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "));
    }
    if (cause instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return "'" + path(m) + "' " + message(m);
    }
    if (cause instanceof JsonParseException p) {
      var where = p.getLocation();
      return "the request body is not valid JSON (line "
          + where.getLineNr()
          + ", column "
          + where.getColumnNr()
          + ")";
    }
    if (cause instanceof MismatchedInputException) {
      return "the request body must be one JSON object with the documented fields, and nothing after it";
    }
    return "the request body is missing or is not valid JSON";
  }

  private static String message(JsonMappingException m) {
    if (m instanceof UnrecognizedPropertyException) return "is not a field of this request";
    Class<?> target = m instanceof MismatchedInputException mi ? mi.getTargetType() : null;
    String wanted = target == null ? "a value of another type" : describe(target);
    if (m instanceof InvalidFormatException f)
      return "must be " + wanted + ", got " + shown(f.getValue());
    return "must be " + wanted;
  }

  private static String describe(Class<?> t) {
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class)
      return "an integer (a JSON number)";
    if (t == Boolean.class || t == boolean.class) return "true or false";
    if (t == String.class) return "a string";
    return "a JSON value of the documented type";
  }

  private static String shown(Object value) {
    String s = String.valueOf(value);
    return s.length() > 40 ? "'" + s.substring(0, 40) + "…'" : "'" + s + "'";
  }

  private static String path(JsonMappingException m) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (!b.isEmpty()) b.append('.');
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }
}
