package io.cephflow.workflows.common;

import io.temporal.common.SearchAttributeKey;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The search attribute that names the resources a flow works on, as {@code kind:id} keywords
 * ({@code image:<id>}, {@code volume:<id>}, {@code snapshot:<id>}, {@code server:<id>}), so that
 * the Temporal web UI ({@code CephflowResources = 'image:…'}) and our API can list every operation
 * on one resource. The worker registers the attribute at start-up.
 */
public final class ResourceTags {
  public static final String NAME = "CephflowResources";
  public static final SearchAttributeKey<List<String>> KEY =
      SearchAttributeKey.forKeywordList(NAME);

  /** Flows started before the tags existed replay without them. */
  static final String CHANGE = "tag-resources";

  public static final List<String> KINDS = List.of("image", "volume", "snapshot", "server");

  private ResourceTags() {}

  /** Workflow code: tags the running flow with {@code resources} ({@code kind:id} each). */
  public static void tag(String... resources) {
    if (Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION)
      return;
    Workflow.upsertTypedSearchAttributes(KEY.valueSet(List.of(resources)));
  }

  public static String image(String id) {
    return "image:" + id;
  }

  public static String volume(String id) {
    return "volume:" + id;
  }

  public static String snapshot(String id) {
    return "snapshot:" + id;
  }

  public static String server(String id) {
    return "server:" + id;
  }

  /** Validates a {@code kind:id} from outside (an API query); throws IllegalArgumentException. */
  public static String parse(String resource) {
    int colon = resource == null ? -1 : resource.indexOf(':');
    if (colon < 0 || !KINDS.contains(resource.substring(0, colon))) {
      throw new IllegalArgumentException(
          "resource must be <kind>:<id> with kind one of " + KINDS + ", got '" + resource + "'");
    }
    Ids.require(resource.substring(0, colon) + " id", resource.substring(colon + 1));
    return resource;
  }
}
