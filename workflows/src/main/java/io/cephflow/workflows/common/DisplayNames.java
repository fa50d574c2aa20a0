package io.cephflow.workflows.common;

/**
 * A name people read (an image's name): 1..255 printable characters. Control characters, format
 * characters (bidi overrides such as U+202E, zero-width joiners), separators other than the space,
 * unpaired surrogates and unassigned code points are refused: they would be stored verbatim and
 * shown to the next person, who cannot see them.
 */
public final class DisplayNames {
  public static final int MAX_LENGTH = 255;

  private DisplayNames() {}

  /** Throws IllegalArgumentException naming the field and the first offending character. */
  public static String require(String field, String name) {
    if (name == null || name.isEmpty())
      throw new IllegalArgumentException(field + " is required (1.." + MAX_LENGTH + " characters)");
    int length = name.codePointCount(0, name.length());
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          field + " is " + length + " characters long; the limit is " + MAX_LENGTH);
    }
    if (name.isBlank()
        || Character.isWhitespace(name.codePointAt(0))
        || Character.isWhitespace(name.codePointBefore(name.length()))) {
      throw new IllegalArgumentException(
          field + " must not be blank or start or end with white space");
    }
    for (int i = 0, position = 1; i < name.length(); position++) {
      int c = name.codePointAt(i);
      if (!printable(c)) {
        throw new IllegalArgumentException(
            String.format(
                "%s has a character that cannot be shown (U+%04X at "
                    + "position %d); use printable characters only",
                field, c, position));
      }
      i += Character.charCount(c);
    }
    return name;
  }

  static boolean printable(int c) {
    if (c == ' ') return true;
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR ->
          false;
      default -> true;
    };
  }
}
