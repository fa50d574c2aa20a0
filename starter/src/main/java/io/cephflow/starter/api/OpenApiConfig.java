package io.cephflow.starter.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document (/v3/api-docs, Swagger UI at /swagger-ui.html) generated from the
 * controllers: the bearer scheme on every operation, and the problem body of every error status an
 * operation can answer, so that a client (or a fuzzer) can hold the API to it.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {
  static final String BEARER = "bearer";

  /** What any operation may answer besides its success. */
  static final Map<String, String> ERRORS =
      Map.of(
          "400", "Invalid request: the problem names the field and why",
          "401", "No token, or a token that is not valid",
          "403", "The caller's role may not do this",
          "404", "The resource, operation or hypervisor does not exist",
          "409",
              "Conflict: the id is taken or was used, the resource is in use, or the operation cannot be canceled",
          "413", "The request body is over the limit",
          "415", "The request body is not application/json",
          "503",
              "Temporal or Ceph does not answer: repeat the request (a start is never run twice)");

  @Bean
  OpenAPI cephflowOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("cephflow API")
                .version("v1")
                .license(new License().name("Apache-2.0"))
                .description(
                    "Storage flows of an OpenStack-on-Ceph cloud as durable Temporal workflows. Every "
                        + "create or delete answers 202 with an operation to watch at /api/v1/operations/{id}. "
                        + "Errors are RFC 9457 problem bodies with a stable 'error' code. Authenticate with "
                        + "'Authorization: Bearer <token>' (a static token or a JWT): reader may GET, operator may "
                        + "also create, delete and cancel."))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "A static API token (cephflow.api.auth.tokens-file) or a JWT from the configured "
                                + "issuer"))
                .addSchemas("Problem", problemSchema()))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }

  /** Every operation documents the errors it can answer, as problem bodies. */
  @Bean
  OperationCustomizer problemResponses() {
    return (operation, handler) -> {
      var responses = operation.getResponses();
      Content problem =
          new Content()
              .addMediaType(
                  "application/problem+json",
                  new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
      ERRORS.forEach(
          (status, description) -> {
            if (!responses.containsKey(status)) {
              responses.addApiResponse(
                  status, new ApiResponse().description(description).content(problem));
            }
          });
      return operation;
    };
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema problemSchema() {
    Schema field =
        new ObjectSchema()
            .addProperty("field", new StringSchema())
            .addProperty("message", new StringSchema());
    return new ObjectSchema()
        .description("RFC 9457 problem details")
        .addProperty("type", new StringSchema().example("/problems/InvalidRequest"))
        .addProperty("title", new StringSchema().example("Bad Request"))
        .addProperty("status", new IntegerSchema().example(400))
        .addProperty(
            "detail",
            new StringSchema().example("'sizeGb' must be an integer (a JSON number), got '1.5'"))
        .addProperty("instance", new StringSchema().example("/api/v1/volumes"))
        .addProperty(
            "error",
            new StringSchema()
                .example("InvalidRequest")
                .description("the stable code (docs/api.md lists them)"))
        .addProperty(
            "operationId", new StringSchema().description("the operation that decided a refusal"))
        .addProperty("errors", new ArraySchema().items(field))
        .required(java.util.List.of("type", "title", "status", "error"));
  }
}
