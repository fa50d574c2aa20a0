package io.cephflow.starter.api;

import io.cephflow.starter.client.CephflowClient;
import io.cephflow.workflows.image.DeleteImageRequest;
import io.cephflow.workflows.image.UploadImageRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Images: upload starts an UploadImage flow, delete a DeleteImage flow. */
@RestController
@RequestMapping("/api/v1/images")
public class ImagesController {
  private final CephflowClient client;
  private final SourceGate sources;

  public ImagesController(CephflowClient client, SourceGate sources) {
    this.client = client;
    this.sources = sources;
  }

  /**
   * The body of POST /api/v1/images; {@code imageId} is generated when absent; {@code checksum} is
   * {@code sha256:<hex>} or {@code sha512:<hex>} (verified), or {@code sha256} (computed).
   */
  public record UploadBody(
      @Schema(
              description = "generated when absent",
              example = "3f2a3e9e-6a53-4c1e-9d4f-2f0b8d7c1a10")
          String imageId,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "debian-12", maxLength = 255)
          String name,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description =
                  "a path under an allowed directory, or an "
                      + "http(s) URL (public addresses only, no credentials in it)",
              example = "/var/lib/cephflow/incoming/debian-12.qcow2")
          String source,
      @Schema(
              description = "checked, never trusted",
              allowableValues = {"raw", "qcow2", "vmdk", "vhd", "vhdx", "vdi", "iso"},
              defaultValue = "raw",
              example = "qcow2")
          String diskFormat,
      @Schema(
              description =
                  "sha256:<hex> or sha512:<hex>: the source's expected checksum, verified (a mismatch "
                      + "fails the upload); sha256: compute and record the full SHA-256 of the image without expecting one. "
                      + "Every upload records chunkedSha256, SHA-256 over the SHA-256 of each 4 MiB chunk, which `split -b 4194304 "
                      + "--filter='sha256sum | cut -c1-64 | xxd -r -p' FILE | sha256sum` prints; the full sha256 (what sha256sum "
                      + "prints) is recorded only when computed",
              example =
                  "sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
          String checksum,
      @Schema(
              description =
                  "raw: convert a non-raw source to raw at upload, so every boot and volume is a "
                      + "copy-on-write clone of it (absent: kept in its own format, converted once on its first boot or volume)",
              allowableValues = {"raw"},
              example = "raw")
          String convert) {}

  @PostMapping
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> upload(@RequestBody UploadBody body) {
    String imageId =
        body.imageId() == null || body.imageId().isBlank()
            ? UUID.randomUUID().toString()
            : body.imageId();
    String format = body.diskFormat() == null ? "raw" : body.diskFormat();
    // "sha256:<hex>", "sha512:<hex>" (or bare SHA-256 hex); validated with the request, a 400 if
    // malformed
    String checksum =
        body.checksum() == null || body.checksum().isBlank() ? null : body.checksum().trim();
    var request =
        new UploadImageRequest(
                imageId, body.name(), body.source(), format, checksum, body.convert())
            .validate();
    sources.check(request.source());
    String op = client.uploadImage(request);
    return Accepted.operation(op, "imageId", imageId);
  }

  @DeleteMapping("/{imageId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ResponseEntity<Map<String, String>> delete(
      @PathVariable String imageId,
      @RequestParam(defaultValue = "false") boolean flattenDependents) {
    String op = client.deleteImage(new DeleteImageRequest(imageId, flattenDependents));
    return Accepted.operation(op, "imageId", imageId);
  }
}
