package io.cephflow.starter.security;

import java.util.Locale;

/**
 * What a caller may do: read (GET), operate (also create, delete, cancel), administer (everything).
 */
public enum Role {
  READER,
  OPERATOR,
  ADMIN;

  public String authority() {
    return "ROLE_" + name();
  }

  public static Role parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + s + "': use reader, operator or admin");
    }
  }
}
