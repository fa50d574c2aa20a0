package io.cephflow.worker.logging;

import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resource ids a flow's request names: every {@code String} component of a request record whose
 * name ends in {@code Id} ({@code imageId}, {@code serverId}, {@code volumeId}, {@code snapshotId},
 * {@code sourceVolumeId}, {@code newVolumeId}), under that name, as the API's JSON names them.
 * Nothing else of the request (a source URL may hold secrets).
 */
final class ResourceIds {
  private ResourceIds() {}

  static Map<String, String> of(Object[] arguments) {
    if (arguments == null) return Map.of();
    Map<String, String> ids = new LinkedHashMap<>();
    for (Object argument : arguments) {
      if (argument == null || !argument.getClass().isRecord()) continue;
      for (RecordComponent c : argument.getClass().getRecordComponents()) {
        if (c.getType() != String.class || !c.getName().endsWith("Id") || c.getName().length() <= 2)
          continue;
        try {
          Object value = c.getAccessor().invoke(argument);
          if (value != null) ids.putIfAbsent(c.getName(), (String) value);
        } catch (ReflectiveOperationException e) {
          // a record's accessor is public; an inaccessible one is simply not logged
        }
      }
    }
    return Collections.unmodifiableMap(ids);
  }
}
