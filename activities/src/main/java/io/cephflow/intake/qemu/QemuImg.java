package io.cephflow.intake.qemu;

import io.cephflow.intake.format.DiskFormat;
import java.io.IOException;
import java.nio.file.Path;

/**
 * qemu's view of an untrusted image. Every call names the format explicitly; call only after
 * {@link io.cephflow.intake.format.ImageInspector} accepted the file, and keep the file in a
 * directory no one else writes to (the check and the use must see the same bytes).
 */
public interface QemuImg {

    /** {@code qemu-img info}; does not judge the answer (see {@link QemuAgreement}). */
    QemuImageInfo info(Path image, DiskFormat format) throws IOException;

    /** Decodes to a sparse raw file at the absolute local path {@code target}; removes it on failure. */
    void convertToRaw(Path image, DiskFormat format, Path target, ProgressListener progress) throws IOException;

    /** Streams the decoded raw view without a scratch file; the caller must close it. */
    RawExtentSource openRaw(Path image, DiskFormat format) throws IOException;
}
