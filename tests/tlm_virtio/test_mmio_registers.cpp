// Register-level tests of the virtio-mmio block: a stimulus pokes registers
// through the bus and checks what comes back (virtio 1.2 §4.2.2).
#define BOOST_TEST_MODULE mmio_registers
#include <boost/test/unit_test.hpp>

#include <linux/virtio_mmio.h>

#include "transport_bench.h"

using namespace vvsim::tlm_virtio;
using vvsim::tlm_virtio::testing::TransportBench;

BOOST_AUTO_TEST_CASE(identification_registers) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    BOOST_CHECK_EQUAL(d.read_register(mmio::MagicValue), 0x74726976u);
    BOOST_CHECK_EQUAL(d.read_register(mmio::Version), 2u);
    BOOST_CHECK_EQUAL(d.read_register(mmio::DeviceID), EchoDevice::kDeviceId);
    BOOST_CHECK_EQUAL(d.read_register(mmio::VendorID), 0x4d495656u);
    d.write_register(mmio::QueueSel, 0);
    BOOST_CHECK_EQUAL(d.read_register(mmio::QueueNumMax), 256u);
    d.write_register(mmio::QueueSel, 1);  // the echo device has one queue
    BOOST_CHECK_EQUAL(d.read_register(mmio::QueueNumMax), 0u);
    BOOST_CHECK_EQUAL(d.read_register(mmio::SHMLenLow), 0xffffffffu);  // no shared memory region
    BOOST_CHECK_EQUAL(d.read_config32(0), 256u);                          // echo config: queue limit
  });
}

BOOST_AUTO_TEST_CASE(feature_words_by_selector) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    d.write_register(mmio::DeviceFeaturesSel, 0);
    BOOST_CHECK_EQUAL(d.read_register(mmio::DeviceFeatures), uint32_t((1u << 28) | (1u << 29)));  // INDIRECT, EVENT_IDX
    d.write_register(mmio::DeviceFeaturesSel, 1);
    BOOST_CHECK_EQUAL(d.read_register(mmio::DeviceFeatures), 1u | 4u);  // VERSION_1 is bit 32, RING_PACKED bit 34
    d.write_register(mmio::DeviceFeaturesSel, 2);
    BOOST_CHECK_EQUAL(d.read_register(mmio::DeviceFeatures), 0u);
  });
}

BOOST_AUTO_TEST_CASE(handshake_accepts_offered_features) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(VIRTIO_F_EVENT_IDX).ok());
    BOOST_CHECK_EQUAL(d.features(), VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1);
    BOOST_CHECK_EQUAL(d.status(), STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    BOOST_CHECK_EQUAL(t.platform.mmio.negotiated_features(), VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1);
    d.driver_ok();
    BOOST_CHECK(d.status() & STATUS_DRIVER_OK);
  });
}

BOOST_AUTO_TEST_CASE(features_ok_refused_for_unoffered_feature) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE);
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    d.write_register(mmio::DriverFeaturesSel, 0);
    d.write_register(mmio::DriverFeatures, 1u << 5);  // not offered by the echo device
    d.write_register(mmio::DriverFeaturesSel, 1);
    d.write_register(mmio::DriverFeatures, 1);  // VERSION_1
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    BOOST_CHECK_EQUAL(d.status() & STATUS_FEATURES_OK, 0u);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("FEATURES_OK refused"));
    // Without FEATURES_OK neither queues nor DRIVER_OK are accepted.
    d.write_register(mmio::QueueSel, 0);
    d.write_register(mmio::QueueNum, 8);
    d.write_register(mmio::QueueReady, 1);
    BOOST_CHECK_EQUAL(d.read_register(mmio::QueueReady), 0u);
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
    BOOST_CHECK_EQUAL(d.status() & STATUS_DRIVER_OK, 0u);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("DRIVER_OK without FEATURES_OK"));
  });
}

BOOST_AUTO_TEST_CASE(features_ok_refused_without_version_1) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    d.write_register(mmio::DriverFeaturesSel, 0);
    d.write_register(mmio::DriverFeatures, 1u << 29);
    d.write_register(mmio::Status, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    BOOST_CHECK_EQUAL(d.status() & STATUS_FEATURES_OK, 0u);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("VIRTIO_F_VERSION_1 missing"));
  });
}

BOOST_AUTO_TEST_CASE(queue_size_must_be_power_of_two_within_max) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(0).ok());
    auto program = [&](uint32_t num) {
      d.write_register(mmio::QueueSel, 0);
      d.write_register(mmio::QueueNum, num);
      d.write_register(mmio::QueueDescLow, 0x1000);
      d.write_register(mmio::QueueDriverLow, 0x3000);
      d.write_register(mmio::QueueDeviceLow, 0x4000);
      d.write_register(mmio::QueueReady, 1);
      return d.read_register(mmio::QueueReady);
    };
    BOOST_CHECK_EQUAL(program(6), 0u);    // not a power of two
    BOOST_CHECK_EQUAL(program(512), 0u);  // above QueueNumMax (256)
    BOOST_CHECK_EQUAL(program(0), 0u);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("size 6 is not a power of two"));
    BOOST_CHECK_EQUAL(program(8), 1u);
  });
}

BOOST_AUTO_TEST_CASE(queue_rings_outside_memory_refused) {
  TransportBench b;
  b.run([](TransportBench& t) {
    auto d = t.driver();
    BOOST_REQUIRE(d.negotiate(0).ok());
    const uint64_t end = t.platform.memory.size();
    d.write_register(mmio::QueueSel, 0);
    d.write_register(mmio::QueueNum, 16);
    d.write_register(mmio::QueueDescLow, uint32_t(end - 128));  // 256-byte table crosses the end
    d.write_register(mmio::QueueDescHigh, uint32_t((end - 128) >> 32));
    d.write_register(mmio::QueueDriverLow, 0x3000);
    d.write_register(mmio::QueueDeviceLow, 0x4000);
    d.write_register(mmio::QueueReady, 1);
    BOOST_CHECK_EQUAL(d.read_register(mmio::QueueReady), 0u);
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("descriptor table"));
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("outside guest memory"));
  });
}

BOOST_AUTO_TEST_CASE(unaligned_register_access_is_an_error) {
  TransportBench b;
  b.run([](TransportBench& t) {
    uint16_t v = 0;
    BOOST_CHECK(!t.cpu().read_le16(t.platform.profile().mmio_base + mmio::MagicValue, v));
    uint32_t w = 0;
    BOOST_CHECK(!t.cpu().read_le32(t.platform.profile().mmio_base + 2, w));
    BOOST_CHECK(t.platform.mmio.diagnostics().contains("only aligned 32-bit accesses"));
    // Config space past its end.
    BOOST_CHECK(!t.cpu().read_le32(t.platform.profile().mmio_base + mmio::Config + 4, w));
  });
}

// virtio 1.2 §4.2.2 (transport-mmio.tex): SHMSel 0x0ac selects a region,
// SHMLenLow/High 0x0b0/0x0b4 and SHMBaseLow/High 0x0b8/0x0bc give its 64-bit
// length and base; an unused id reads length and base 0xffffffffffffffff.
// Offsets as literals (and as <linux/virtio_mmio.h> names them), not mmio::.
BOOST_AUTO_TEST_CASE(shared_memory_region_registers) {
  EchoDeviceProfile profile;
  profile.shared_memory = {{0, 0x0000'0004'8000'0000ull, 0x0000'0001'0000'2000ull}, {3, 0x1000'0000ull, 0x4000}};
  TransportBench b(profile);
  b.run([](TransportBench& t) {
    auto d = t.driver();
    static_assert(VIRTIO_MMIO_SHM_SEL == 0x0ac && VIRTIO_MMIO_SHM_LEN_LOW == 0x0b0 && VIRTIO_MMIO_SHM_LEN_HIGH == 0x0b4);
    static_assert(VIRTIO_MMIO_SHM_BASE_LOW == 0x0b8 && VIRTIO_MMIO_SHM_BASE_HIGH == 0x0bc);
    static_assert(mmio::SHMSel == 0x0ac && mmio::SHMLenLow == 0x0b0 && mmio::SHMLenHigh == 0x0b4);
    static_assert(mmio::SHMBaseLow == 0x0b8 && mmio::SHMBaseHigh == 0x0bc);
    d.write_register(0x0ac, 0);
    BOOST_CHECK_EQUAL(d.read_register(0x0b0), 0x2000u);
    BOOST_CHECK_EQUAL(d.read_register(0x0b4), 0x1u);
    BOOST_CHECK_EQUAL(d.read_register(0x0b8), 0x8000'0000u);
    BOOST_CHECK_EQUAL(d.read_register(0x0bc), 0x4u);
    d.write_register(0x0ac, 3);
    BOOST_CHECK_EQUAL(d.read_register(0x0b0), 0x4000u);
    BOOST_CHECK_EQUAL(d.read_register(0x0b4), 0u);
    BOOST_CHECK_EQUAL(d.read_register(0x0b8), 0x1000'0000u);
    BOOST_CHECK_EQUAL(d.read_register(0x0bc), 0u);
    for (uint32_t unused : {1u, 2u, 0xffffffffu}) {
      d.write_register(0x0ac, unused);
      for (uint32_t reg : {0x0b0u, 0x0b4u, 0x0b8u, 0x0bcu}) BOOST_CHECK_EQUAL(d.read_register(reg), 0xffffffffu);
    }
    const auto region = d.shared_memory_region(0);
    BOOST_REQUIRE(region);
    BOOST_CHECK_EQUAL(region->base, 0x0000'0004'8000'0000ull);
    BOOST_CHECK_EQUAL(region->length, 0x0000'0001'0000'2000ull);
    BOOST_CHECK(!d.shared_memory_region(1));
  });
}
