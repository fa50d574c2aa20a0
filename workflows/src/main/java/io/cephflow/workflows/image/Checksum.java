package io.cephflow.workflows.image;

import java.util.Locale;
import java.util.Map;

/**
 * An expected checksum as callers write it: {@code sha256:<hex>}, {@code sha512:<hex>}, or bare hex
 * of SHA-256 (what the API accepted first); or {@code sha256} alone: no expectation, but the full
 * SHA-256 is computed and recorded (else only the chunked one is). {@code algorithm} is the JCA
 * name; {@code hex} is null when nothing is expected.
 */
public record Checksum(String algorithm, String hex) {
  private static final Map<String, String> ALGORITHMS =
      Map.of("sha256", "SHA-256", "sha512", "SHA-512");
  private static final Map<String, Integer> HEX_DIGITS = Map.of("sha256", 64, "sha512", 128);

  /** Null for null or blank; IllegalArgumentException with an actionable reason when malformed. */
  public static Checksum parse(String text) {
    if (text == null || text.isBlank()) return null;
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("sha256")) return new Checksum("SHA-256", null);
    int colon = t.indexOf(':');
    String name = colon < 0 ? "sha256" : t.substring(0, colon);
    String hex = colon < 0 ? t : t.substring(colon + 1);
    Integer digits = HEX_DIGITS.get(name);
    if (digits == null) {
      throw new IllegalArgumentException(
          "checksum must be sha256:<hex>, sha512:<hex> or sha256 (compute it), got "
              + "algorithm '"
              + name
              + "'");
    }
    if (!hex.matches("[0-9a-f]{" + digits + "}")) {
      throw new IllegalArgumentException("checksum " + name + " must be " + digits + " hex digits");
    }
    return new Checksum(ALGORITHMS.get(name), hex);
  }

  /** Whether the full SHA-256 must be computed: asked for, or expected. */
  public boolean needsSha256() {
    return algorithm.equals("SHA-256");
  }

  /** The algorithm of a digest to compute besides SHA-256 (an expected sha512), else null. */
  public String extraAlgorithm() {
    return needsSha256() ? null : algorithm;
  }

  /** The short name ({@code sha256}, {@code sha512}). */
  public String name() {
    return algorithm.replace("-", "").toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return hex == null ? name() : name() + ":" + hex;
  }
}
