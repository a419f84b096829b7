#include "models/component/component_profiles.h"

#include <fmt/format.h>

#include "models/platform/platform_profile.h"
#include "models/protocols/v6/video_device_profile_fields.h"

namespace vvsim::models {

namespace {

void read_device_component(ProfileReader& r, DeviceComponentProfile& p) {
  std::string protocol = "v6";
  r.field("protocol", protocol);
  if (protocol != "v6") r.fail("protocol", fmt::format("'{}' is not a protocol this build has (v6)", protocol));
  p.protocol = DeviceProtocol::V6;
  r.field("dma_window_bytes", p.dma_window_bytes, Limits::between(double(1ull << 20), double(1ull << 48)));
  r.section("engine", [&](ProfileReader& sub) { describe_engine(sub, p.engine); });
  r.section("device", [&](ProfileReader& sub) { virtio_video::describe_device(sub, p.device); });
}

void read_driver_component(ProfileReader& r, DriverComponentProfile& p) {
  r.field("mmio_base", p.mmio_base);
  r.field("memory_base", p.memory_base);
  r.field("memory_bytes", p.memory_bytes, Limits::between(double(1ull << 20), double(1ull << 48)));
  uint32_t commandq = p.driver.commandq_size, eventq = p.driver.eventq_size, buffers = p.driver.eventq_buffers;
  r.field("commandq_size", commandq, Limits::between(2, 32768));
  r.field("eventq_size", eventq, Limits::between(2, 32768));
  r.field("eventq_buffers", buffers, Limits::between(1, 32768));
  r.field("command_submit_ns", p.driver.command_submit_ns);
  r.field("interrupt_handle_ns", p.driver.interrupt_handle_ns);
  if (buffers > eventq) r.fail("eventq_buffers", fmt::format("{} buffers do not fit an eventq of {}", buffers, eventq));
  if (p.mmio_base >= p.memory_base && p.mmio_base < p.memory_base + p.memory_bytes)
    r.fail("mmio_base", fmt::format("{:#x} lies inside the driver's memory [{:#x}, +{:#x})", p.mmio_base,
                                    p.memory_base, p.memory_bytes));
  p.driver.commandq_size = static_cast<uint16_t>(commandq);
  p.driver.eventq_size = static_cast<uint16_t>(eventq);
  p.driver.eventq_buffers = static_cast<uint16_t>(buffers);
}

}  // namespace

DeviceComponentProfile parse_device_component_profile(const std::string& yaml, const std::string& source,
                                                      const std::vector<std::string>& overrides) {
  DeviceComponentProfile p;
  read_profile_text(
      yaml, source, overrides, [&](ProfileReader& r) { read_device_component(r, p); },
      [&](const ProfileReader& r) { virtio_video::check_device_profile(p.device, r, "device"); });
  return p;
}

DeviceComponentProfile load_device_component_profile(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_device_component_profile(read_yaml_file(path, "profile"), path, overrides);
}

DriverComponentProfile parse_driver_component_profile(const std::string& yaml, const std::string& source,
                                                      const std::vector<std::string>& overrides) {
  DriverComponentProfile p;
  read_profile_text(yaml, source, overrides, [&](ProfileReader& r) { read_driver_component(r, p); });
  return p;
}

DriverComponentProfile load_driver_component_profile(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_driver_component_profile(read_yaml_file(path, "profile"), path, overrides);
}

}  // namespace vvsim::models
