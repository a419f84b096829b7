// The split ring's named byte offsets and flags against the kernel's own
// layout (<linux/virtio_ring.h>, Debian linux-libc-dev), and the one
// little-endian codec against bytes written out by hand.
#define BOOST_TEST_MODULE ring_layout
#include <boost/test/unit_test.hpp>

#define VIRTIO_RING_NO_LEGACY  // the legacy vring_init does not compile as C++
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tlm_virtio/le_bytes.h"
#include "tlm_virtio/packed_virtqueue.h"
#include "tlm_virtio/ring_views.h"
#include "tlm_virtio/split_virtqueue.h"

using namespace vvsim::tlm_virtio;
using namespace vvsim::tlm_virtio::split_ring;

BOOST_AUTO_TEST_CASE(descriptor_and_used_element_offsets) {
  BOOST_CHECK_EQUAL(kDescSize, sizeof(struct vring_desc));
  BOOST_CHECK_EQUAL(kDescAddr, offsetof(struct vring_desc, addr));
  BOOST_CHECK_EQUAL(kDescLen, offsetof(struct vring_desc, len));
  BOOST_CHECK_EQUAL(kDescFlags, offsetof(struct vring_desc, flags));
  BOOST_CHECK_EQUAL(kDescNext, offsetof(struct vring_desc, next));
  BOOST_CHECK_EQUAL(kUsedElemSize, sizeof(struct vring_used_elem));
  BOOST_CHECK_EQUAL(kUsedElemId, offsetof(struct vring_used_elem, id));
  BOOST_CHECK_EQUAL(kUsedElemLen, offsetof(struct vring_used_elem, len));
  BOOST_CHECK_EQUAL(kAvailFlags, offsetof(struct vring_avail, flags));
  BOOST_CHECK_EQUAL(kAvailIdx, offsetof(struct vring_avail, idx));
  BOOST_CHECK_EQUAL(kAvailRing, offsetof(struct vring_avail, ring));
  BOOST_CHECK_EQUAL(kAvailEntrySize, sizeof(((struct vring_avail*)nullptr)->ring[0]));
  BOOST_CHECK_EQUAL(kUsedFlags, offsetof(struct vring_used, flags));
  BOOST_CHECK_EQUAL(kUsedIdx, offsetof(struct vring_used, idx));
  BOOST_CHECK_EQUAL(kUsedRing, offsetof(struct vring_used, ring));
}

BOOST_AUTO_TEST_CASE(flag_values) {
  BOOST_CHECK_EQUAL(VIRTQ_DESC_F_NEXT, VRING_DESC_F_NEXT);
  BOOST_CHECK_EQUAL(VIRTQ_DESC_F_WRITE, VRING_DESC_F_WRITE);
  BOOST_CHECK_EQUAL(VIRTQ_DESC_F_INDIRECT, VRING_DESC_F_INDIRECT);
  BOOST_CHECK_EQUAL(VIRTQ_AVAIL_F_NO_INTERRUPT, VRING_AVAIL_F_NO_INTERRUPT);
  BOOST_CHECK_EQUAL(VIRTQ_USED_F_NO_NOTIFY, VRING_USED_F_NO_NOTIFY);
}

// Where the event fields lie: the kernel's vring_used_event(vr) is
// &avail->ring[num] and vring_avail_event(vr) is &used->ring[num] (its legacy
// vring_init is C only, so the same addresses are taken here on the structs).
BOOST_AUTO_TEST_CASE(event_fields_and_area_sizes) {
  for (unsigned num : {1u, 8u, 64u, 256u, 32768u}) {
    std::vector<uint8_t> area(sizeof(struct vring_used) + (num + 1) * sizeof(struct vring_used_elem));
    auto* avail = reinterpret_cast<struct vring_avail*>(area.data());
    auto* used = reinterpret_cast<struct vring_used*>(area.data());
    auto offset = [&](const void* field) { return uint64_t(static_cast<const uint8_t*>(field) - area.data()); };
    const uint16_t n = static_cast<uint16_t>(num);
    BOOST_CHECK_EQUAL(desc_table_bytes(n), num * sizeof(struct vring_desc));
    BOOST_CHECK_EQUAL(used_event_offset(n), offset(&avail->ring[num]));
    BOOST_CHECK_EQUAL(avail_event_offset(n), offset(&used->ring[num]));
    BOOST_CHECK_EQUAL(avail_slot_offset(uint16_t(3 % num)), offset(&avail->ring[3 % num]));
    BOOST_CHECK_EQUAL(used_slot_offset(uint16_t(5 % num)), offset(&used->ring[5 % num]));
    BOOST_CHECK_EQUAL(avail_ring_bytes(n), offset(&avail->ring[num]) + sizeof(avail->ring[0]));
    BOOST_CHECK_EQUAL(used_ring_bytes(n), offset(&used->ring[num]) + sizeof(uint16_t));
  }
}

BOOST_AUTO_TEST_CASE(little_endian_codec_byte_order) {
  uint8_t b[8] = {};
  le::put16(b, 0x1234);
  BOOST_CHECK(b[0] == 0x34 && b[1] == 0x12);
  le::put32(b, 0x89abcdefu);
  BOOST_CHECK(b[0] == 0xef && b[1] == 0xcd && b[2] == 0xab && b[3] == 0x89);
  le::put64(b, 0x0102030405060708ull);
  const uint8_t expected[8] = {8, 7, 6, 5, 4, 3, 2, 1};
  BOOST_CHECK_EQUAL_COLLECTIONS(b, b + 8, expected, expected + 8);
  BOOST_CHECK_EQUAL(le::get64(expected), 0x0102030405060708ull);
  BOOST_CHECK_EQUAL(le::get32(expected + 4), 0x01020304u);
  BOOST_CHECK_EQUAL(le::get16(expected + 6), 0x0102u);
  const uint8_t high[4] = {0xff, 0xff, 0xff, 0xff};  // no sign extension
  BOOST_CHECK_EQUAL(le::get32(high), 0xffffffffu);
  BOOST_CHECK_EQUAL(le::get(high, 3), 0xffffffull);
}

// The packed ring (§2.8.13, §2.8.14) against struct vring_packed_desc and
// vring_packed_desc_event and the kernel's flag values.
BOOST_AUTO_TEST_CASE(packed_descriptor_and_event_layout) {
  BOOST_CHECK_EQUAL(packed_ring::kDescSize, sizeof(struct vring_packed_desc));
  BOOST_CHECK_EQUAL(packed_ring::kDescAddr, offsetof(struct vring_packed_desc, addr));
  BOOST_CHECK_EQUAL(packed_ring::kDescLen, offsetof(struct vring_packed_desc, len));
  BOOST_CHECK_EQUAL(packed_ring::kDescId, offsetof(struct vring_packed_desc, id));
  BOOST_CHECK_EQUAL(packed_ring::kDescFlags, offsetof(struct vring_packed_desc, flags));
  BOOST_CHECK_EQUAL(packed_ring::kEventSize, sizeof(struct vring_packed_desc_event));
  BOOST_CHECK_EQUAL(packed_ring::kEventOffWrap, offsetof(struct vring_packed_desc_event, off_wrap));
  BOOST_CHECK_EQUAL(packed_ring::kEventFlags, offsetof(struct vring_packed_desc_event, flags));
  BOOST_CHECK_EQUAL(packed_ring::VIRTQ_DESC_F_AVAIL, 1u << VRING_PACKED_DESC_F_AVAIL);
  BOOST_CHECK_EQUAL(packed_ring::VIRTQ_DESC_F_USED, 1u << VRING_PACKED_DESC_F_USED);
  BOOST_CHECK_EQUAL(packed_ring::kEventWrapBit, unsigned(VRING_PACKED_EVENT_F_WRAP_CTR));
  BOOST_CHECK_EQUAL(packed_ring::RING_EVENT_FLAGS_ENABLE, VRING_PACKED_EVENT_FLAG_ENABLE);
  BOOST_CHECK_EQUAL(packed_ring::RING_EVENT_FLAGS_DISABLE, VRING_PACKED_EVENT_FLAG_DISABLE);
  BOOST_CHECK_EQUAL(packed_ring::RING_EVENT_FLAGS_DESC, VRING_PACKED_EVENT_FLAG_DESC);
  BOOST_CHECK_EQUAL(ring_layout_feature(RingLayout::Packed), 1ull << VIRTIO_F_RING_PACKED);
  BOOST_CHECK_EQUAL(ring_layout_feature(RingLayout::Split), 0u);
  for (unsigned num : {1u, 3u, 256u, 32768u})
    BOOST_CHECK_EQUAL(packed_ring::desc_ring_bytes(uint16_t(num)), num * sizeof(struct vring_packed_desc));
}
