package io.cephflow.workflows.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.cephflow.workflows.storage.StorageActivities.ImageStat;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One reading of an image's provenance for every flow that copies it, and what a copy records. */
class ImageSourceTest {
  static final String ID = "0b6ee3d6-6c1b-4b5e-9a61-3d1f1a7d2b10";

  static ImageStat image(long size, Map<String, String> meta) {
    return new ImageStat(true, size, null, 0, meta);
  }

  static String type(Runnable r) {
    try {
      r.run();
      return "none";
    } catch (ApplicationFailure e) {
      return e.getType();
    }
  }

  @Test
  void anImageWithoutItsFormatIsMissingOrUnfinishedForEveryFlow() {
    assertThat(type(() -> ImageSource.of(ID, image(1 << 20, Map.of()))))
        .isEqualTo(Failures.NOT_FOUND);
    assertThat(type(() -> ImageSource.of(ID, new ImageStat(false, 0, null, 0, Map.of()))))
        .isEqualTo(Failures.NOT_FOUND);
  }

  @Test
  void theDiskSizeIsTheRecordedVirtualSizeOrARawImagesOwnSize() {
    assertThat(ImageSource.of(ID, image(1000, Map.of(Provenance.FORMAT, "raw"))).virtualSizeBytes())
        .isEqualTo(1000);
    assertThat(
            ImageSource.of(
                    ID,
                    image(
                        1000, Map.of(Provenance.FORMAT, "qcow2", Provenance.VIRTUAL_SIZE, "4096")))
                .virtualSizeBytes())
        .isEqualTo(4096);
    for (String bad : new String[] {"-1", "1.5", "abc", "99999999999999999999"}) {
      assertThat(
              type(
                  () ->
                      ImageSource.of(
                          ID,
                          image(
                              1000,
                              Map.of(Provenance.FORMAT, "qcow2", Provenance.VIRTUAL_SIZE, bad)))))
          .as(bad)
          .isEqualTo(Failures.UNSUPPORTED_FORMAT);
      assertThat(
              ImageSource.of(
                      ID,
                      image(1000, Map.of(Provenance.FORMAT, "raw", Provenance.VIRTUAL_SIZE, bad)))
                  .virtualSizeBytes())
          .as(bad)
          .isEqualTo(1000);
    }
    assertThat(type(() -> ImageSource.of(ID, image(1000, Map.of(Provenance.FORMAT, "qcow2")))))
        .isEqualTo(Failures.UNSUPPORTED_FORMAT);
  }

  @Test
  void aCopyRecordsItsOwnSizeAndSourceAndAChecksumOnlyWhileItHoldsExactlyTheImagesBytes() {
    ImageSource raw =
        ImageSource.of(
            ID,
            image(
                1 << 20,
                Map.of(
                    Provenance.FORMAT,
                    "raw",
                    Provenance.SHA256,
                    "ab",
                    Provenance.NAME,
                    "the image's name")));
    Map<String, String> same = raw.copyProvenance(1 << 20, "t");
    assertThat(same)
        .containsEntry(Provenance.SIZE, "1048576")
        .containsEntry(Provenance.SOURCE, "image:" + ID)
        .containsEntry(Provenance.SHA256, "ab")
        .doesNotContainKey(Provenance.NAME);
    Map<String, String> grown = raw.copyProvenance(1L << 30, "t");
    assertThat(grown)
        .containsEntry(Provenance.SIZE, "1073741824")
        .containsEntry(Provenance.VIRTUAL_SIZE, "1073741824")
        .doesNotContainKey(Provenance.SHA256);
    assertThat(raw.keptByCopy(1 << 20)).isEmpty();

    ImageSource qcow =
        ImageSource.of(
            ID,
            image(
                300,
                Map.of(
                    Provenance.FORMAT,
                    "qcow2",
                    Provenance.VIRTUAL_SIZE,
                    "4096",
                    Provenance.SHA256,
                    "of-the-qcow2-file")));
    assertThat(qcow.copyProvenance(4096, "t"))
        .doesNotContainKey(Provenance.SHA256)
        .containsEntry(Provenance.FORMAT, "raw");
    assertThat(qcow.keptByCopy(4096)).containsExactly(Provenance.SHA256); // the conversion's own
    assertThat(qcow.keptByCopy(8192)).isEmpty();
  }
}
