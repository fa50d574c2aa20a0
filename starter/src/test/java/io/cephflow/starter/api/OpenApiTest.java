package io.cephflow.starter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.starter.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated document describes the API as it is: every path, the bearer scheme, the errors. */
class OpenApiTest extends ApiTestSupport {
  @Test
  void theDocumentLoadsWithoutATokenAndDeclaresTheBearerScheme() throws Exception {
    var r = call(new Endpoint("GET", "/v3/api-docs"), null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode doc = new ObjectMapper().readTree(r.body());
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    assertThat(doc.at("/security/0").has("bearer")).isTrue();
    List<String> paths = new ArrayList<>();
    doc.path("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .contains(
            "/api/v1/images",
            "/api/v1/images/{imageId}",
            "/api/v1/volumes",
            "/api/v1/volumes/{volumeId}/snapshots",
            "/api/v1/servers",
            "/api/v1/servers/{serverId}/images",
            "/api/v1/operations/{id}",
            "/api/v1/operations/{id}/cancel");
    assertThat(paths).noneMatch(p -> p.startsWith("/actuator") || p.equals("/error"));
  }

  @Test
  void everyOperationDocumentsItsProblemsAndEveryBodyHasAnExample() throws Exception {
    JsonNode doc =
        new ObjectMapper().readTree(call(new Endpoint("GET", "/v3/api-docs"), null).body());
    doc.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          JsonNode responses = op.getValue().path("responses");
                          for (String status : List.of("400", "401", "403", "404", "503")) {
                            assertThat(
                                    responses
                                        .at(
                                            "/"
                                                + status
                                                + "/content/application~1problem+json/schema/$ref")
                                        .asText())
                                .as(op.getKey() + " " + path.getKey() + " " + status)
                                .isEqualTo("#/components/schemas/Problem");
                          }
                        }));
    JsonNode upload = doc.at("/components/schemas/UploadBody");
    assertThat(upload.at("/properties/source/example").asText()).startsWith("/");
    assertThat(upload.at("/required").toString()).contains("name").contains("source");
  }

  /** Schemathesis: every start, delete and cancel answers 202, which the document called 200. */
  @Test
  void startsDeletesAndCancelsDocument202() throws Exception {
    JsonNode doc =
        new ObjectMapper().readTree(call(new Endpoint("GET", "/v3/api-docs"), null).body());
    doc.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          JsonNode responses = op.getValue().path("responses");
                          String name = op.getKey() + " " + path.getKey();
                          if (op.getKey().equals("get")) {
                            assertThat(responses.has("200")).as(name).isTrue();
                          } else {
                            assertThat(responses.has("202")).as(name).isTrue();
                            assertThat(responses.has("200")).as(name).isFalse();
                            assertThat(
                                    responses
                                        .at("/202/content/application~1json/schema")
                                        .isMissingNode())
                                .as(name)
                                .isFalse();
                          }
                        }));
  }

  /**
   * Swagger UI in Chromium: the listing's query was one required object 'p' of placeholders, a 400.
   */
  @Test
  void listingsDocumentEachQueryParameterAsOptional() throws Exception {
    JsonNode doc =
        new ObjectMapper().readTree(call(new Endpoint("GET", "/v3/api-docs"), null).body());
    JsonNode params = doc.at("/paths/~1api~1v1~1images/get/parameters");
    List<String> names = new ArrayList<>();
    params.forEach(
        p -> {
          names.add(p.path("name").asText());
          assertThat(p.path("in").asText()).isEqualTo("query");
          assertThat(p.path("required").asBoolean(false)).as(p.path("name").asText()).isFalse();
        });
    assertThat(names).containsExactlyInAnyOrder("limit", "pageToken", "name", "state");
    assertThat(
            call(new Endpoint("GET", "/api/v1/images?limit=1000&state=available"), READER)
                .statusCode())
        .isNotEqualTo(400);
  }

  @Test
  void swaggerUiLoadsWithoutAToken() throws Exception {
    var r = call(new Endpoint("GET", "/swagger-ui/index.html"), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("swagger-ui");
  }
}
