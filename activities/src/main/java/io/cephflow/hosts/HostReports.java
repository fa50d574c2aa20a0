package io.cephflow.hosts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.ceph.RecordStore;
import io.cephflow.workflows.common.RbdRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The hypervisors' reports, kept in Ceph (pool {@code vms}, namespace {@value #NAMESPACE}, one
 * object {@code host.<name>} each) so that any API replica reads the same fleet without asking each
 * host. Only the host writes its own report; a report that cannot be read is skipped (and logged),
 * never fatal to a listing.
 */
public final class HostReports {
  /** Apart from the resource records, which an audit or a listing reads as resources. */
  public static final String NAMESPACE = "cephflow-hosts";

  private static final String PREFIX = "host.";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final RecordStore store;

  /**
   * @param store a record store over {@link #NAMESPACE}
   */
  public HostReports(RecordStore store) {
    this.store = store;
  }

  /** Writes the host's report over its last one. */
  public void publish(HostReport report) {
    String key = PREFIX + report.host();
    String value = write(report);
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<String> old = store.read(RbdRef.VMS, key);
      boolean done =
          old.isPresent()
              ? store.replace(RbdRef.VMS, key, old.get(), value)
              : store.create(RbdRef.VMS, key, value);
      if (done) return;
    }
    throw new IllegalStateException(
        "report of host "
            + report.host()
            + " changed under its writer three times "
            + "(two workers configured with one host name?)");
  }

  public Optional<HostReport> read(String host) {
    return store.read(RbdRef.VMS, PREFIX + host).flatMap(raw -> parse(host, raw));
  }

  /** Every host that ever reported, fresh or not, sorted by name. */
  public List<HostReport> all() {
    List<HostReport> out = new ArrayList<>();
    for (String key : new java.util.TreeSet<>(store.keys(RbdRef.VMS))) {
      if (!key.startsWith(PREFIX)) continue;
      store.read(RbdRef.VMS, key).flatMap(raw -> parse(key, raw)).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<HostReport> parse(String what, String raw) {
    try {
      return Optional.of(JSON.readValue(raw, HostReport.class));
    } catch (JsonProcessingException e) {
      LoggerFactory.getLogger(HostReports.class)
          .warn("unreadable host report {}: {}", what, e.getOriginalMessage());
      return Optional.empty();
    }
  }

  private static String write(HostReport r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
