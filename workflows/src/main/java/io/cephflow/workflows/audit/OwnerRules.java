package io.cephflow.workflows.audit;

import io.cephflow.workflows.common.ResourceRecord;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which resource an object belongs to, by its name: one line per kind of object cephflow makes.
 * First match wins; an object no rule matches is not cephflow's (foreign) and is never touched. A
 * {@code primary} object is what the resource is (its record without one is dangling); a derived
 * object (a cached copy, a temporary snapshot, a console log) belongs to the resource but its
 * absence says nothing. A new kind of object cephflow makes gets a line here, nothing else.
 */
public final class OwnerRules {
  /** Secrets are shared by every server of a host: owned while cephflow runs there. */
  public static final String SHARED = "shared";

  private static final String U = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";
  private static final Set<String> RBD = Set.of(Observed.IMAGE, Observed.TRASH);
  private static final Set<String> SNAP = Set.of(Observed.SNAPSHOT);

  /** One kind of object: its types, its name, the resource kind it belongs to. */
  public record Rule(Set<String> types, Pattern name, String kind, boolean primary) {
    static Rule of(Set<String> types, String regex, String kind, boolean primary) {
      return new Rule(types, Pattern.compile(regex), kind, primary);
    }
  }

  /** The resource an object belongs to ({@code kind:id}) and whether it is its primary object. */
  public record Owner(String kind, String id, boolean primary) {
    public String resource() {
      return kind + ":" + id;
    }
  }

  public static final List<Rule> RULES =
      List.of(
          Rule.of(SNAP, "volumes/volume-" + U + "@snapshot-" + U, "snapshot", true),
          Rule.of(RBD, "volumes/volume-" + U, "volume", true),
          Rule.of(SNAP, "volumes/volume-" + U + "@.+", "volume", false),
          Rule.of(RBD, "images/" + U, "image", true),
          Rule.of(SNAP, "images/" + U + "@snap", "image", true),
          // convert once, then clone: the raw copy of a non-raw image has its own record
          // (rawcopy.<imageId>, settled by the conversion and deleted with the image)
          Rule.of(RBD, "images/" + U + "_raw", ResourceRecord.RAW_COPY_KIND, true),
          Rule.of(SNAP, "images/" + U + "_raw@.+", ResourceRecord.RAW_COPY_KIND, false),
          Rule.of(SNAP, "images/" + U + "@.+", "image", false),
          Rule.of(RBD, "vms/" + U + "_disk", "server", true),
          // image from server's temporary snapshot, named after the image it makes: the image's
          // (before: the server's, so one a terminated image-from-server left was owned forever)
          Rule.of(SNAP, "vms/" + U + "_disk@cephflow-image-" + U, "image", false),
          Rule.of(SNAP, "vms/" + U + "_disk@.+", "server", false),
          Rule.of(Set.of(Observed.DOMAIN), "instance-" + U, "server", true),
          Rule.of(Set.of(Observed.CONSOLE_LOG), "instance-" + U + "\\.log", "server", false),
          Rule.of(Set.of(Observed.SCRATCH_FILE), "upload-" + U, "image", false),
          Rule.of(Set.of(Observed.SECRET), "client\\.([A-Za-z0-9_.-]+) secret", SHARED, false));

  private OwnerRules() {}

  public static Optional<Owner> ownerOf(Observed o) {
    for (Rule r : RULES) {
      if (!r.types().contains(o.type())) continue;
      Matcher m = r.name().matcher(o.matchName());
      if (m.matches())
        return Optional.of(new Owner(r.kind(), m.group(m.groupCount()), r.primary()));
    }
    return Optional.empty();
  }

  /** A scratch file with a name no rule claims: a step's temporary file (a convert's output). */
  public static boolean temporary(Observed o) {
    return Observed.SCRATCH_FILE.equals(o.type());
  }
}
