package io.cephflow.ceph.librbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The structs' layouts are librbd's (x86_64): the sizes and offsets gcc gives for Pacific's
 * librbd.h (sizeof, offsetof: rbd_image_info_t 160, order at 24, parent_pool at 56; rbd_snap_info_t
 * 24, name at 16; rbd_trash_image_info_t 40).
 */
class RbdStructsTest {
  @Test
  void imageInfoIsRbdImageInfoT() {
    var info = new RbdStructs.ImageInfo();
    assertThat(info.size()).isEqualTo(160);
    assertThat(info.offsetOf("order")).isEqualTo(24);
    assertThat(info.offsetOf("parent_pool")).isEqualTo(56);
  }

  @Test
  void snapInfoIsRbdSnapInfoT() {
    var snap = new RbdStructs.SnapInfo();
    assertThat(snap.size()).isEqualTo(24);
    assertThat(snap.offsetOf("name")).isEqualTo(16);
  }

  @Test
  void trashInfoIsRbdTrashImageInfoT() {
    assertThat(new AgesNative.TrashInfo().size()).isEqualTo(40);
  }
}
