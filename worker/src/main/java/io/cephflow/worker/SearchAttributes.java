package io.cephflow.worker;

import io.cephflow.workflows.common.ResourceTags;
import io.cephflow.workflows.connection.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the flows' search attribute ({@link ResourceTags#NAME}, a keyword list) on the
 * namespace at start-up. A flow that tags itself with an unregistered attribute would fail its
 * workflow tasks over and over, so a worker that can neither find nor register it does not start.
 */
final class SearchAttributes {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributes.class);
  private static final IndexedValueType TYPE = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;

  private SearchAttributes() {}

  static void ensureRegistered(TemporalConnection connection) {
    String namespace = connection.namespace();
    // its own channel, with the same TLS and API key (the workflow stubs' raw channel carries no
    // key)
    OperatorServiceStubs ops =
        OperatorServiceStubs.newServiceStubs(
            connection
                .applyTo(OperatorServiceStubsOptions.newBuilder())
                .validateAndBuildWithDefaults());
    try {
      IndexedValueType existing = existing(ops, namespace);
      if (existing == TYPE) return;
      if (existing != null) {
        throw new IllegalStateException(
            "search attribute "
                + ResourceTags.NAME
                + " exists on namespace "
                + namespace
                + " with type "
                + existing
                + "; cephflow needs "
                + TYPE);
      }
      ops.blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putSearchAttributes(ResourceTags.NAME, TYPE)
                  .build());
      log.info(
          "registered search attribute {} ({}) on namespace {}",
          ResourceTags.NAME,
          TYPE,
          namespace);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS)
        return; // another worker was faster
      throw new IllegalStateException(
          "cannot register search attribute "
              + ResourceTags.NAME
              + " (KeywordList) on "
              + "namespace "
              + namespace
              + ": "
              + e.getStatus()
              + "; register it yourself: temporal operator "
              + "search-attribute create --namespace "
              + namespace
              + " --name "
              + ResourceTags.NAME
              + " --type KeywordList",
          e);
    } finally {
      ops.shutdown();
    }
  }

  /** The attribute's type on the namespace, or null; the embedded Java test server cannot list. */
  private static IndexedValueType existing(OperatorServiceStubs ops, String namespace) {
    try {
      return ops.blockingStub()
          .listSearchAttributes(
              ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
          .getCustomAttributesMap()
          .get(ResourceTags.NAME);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) return null;
      throw e;
    }
  }
}
