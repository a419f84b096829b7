// A virtio-media platform run with the conformance monitor watching, shared by
// the decoder and encoder conformance tests.
#pragma once

#include <boost/test/unit_test.hpp>

#include <functional>
#include <set>
#include <string>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_monitor.h"

namespace vvsim::virtio_media::test {

// Runs `guest` after the driver's initialisation on a device with `faults`;
// the rules the monitor saw broken (its end-of-run checks included when the
// run went idle).
inline std::set<std::string> broken_rules(const std::function<void(MediaPlatform&)>& guest,
                                          const MediaDeviceFaults& faults = {}, MediaDeviceProfile device = {}) {
  MediaPlatform platform("platform", models::PlatformProfile{}, device);
  MediaMonitor monitor(platform.device.shm().length());
  platform.device.set_faults(faults);
  platform.device.set_observer(&monitor);
  platform.system.cpu.set_program([&](tlm_virtio::GuestCpu&) {
    BOOST_REQUIRE(platform.driver.initialize().ok());
    guest(platform);
  });
  sc_core::sc_start();
  if (!sc_core::sc_pending_activity()) monitor.on_run_idle(sc_core::sc_time_stamp().value());
  std::set<std::string> rules;
  for (const auto& v : monitor.violations()) rules.insert(v.rule);
  return rules;
}

}  // namespace vvsim::virtio_media::test
