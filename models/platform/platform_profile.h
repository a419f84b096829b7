// Every timing figure of the platform in one struct, loaded from YAML.
// The C++ initialisers are the defaults; profiles/default.yaml repeats them
// with units and reasoning (a test keeps the two equal).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "models/platform/device_profile.h"
#include "models/platform/profile_reader.h"
#include "models/platform/timing_bounds.h"
#include "tlm_virtio/transport_profile.h"

namespace vvsim::models {

// CPU time the guest driver spends, charged by the driver model.
struct GuestDriverCosts {
  uint64_t command_submit_ns = 2'000;    // build one command, add its descriptors, publish avail
  uint64_t interrupt_handle_ns = 5'000;  // IRQ entry, ack, walk the used ring, wake the waiter
  uint64_t frame_consume_ns = 1'000;     // hand one decoded/encoded buffer to the application
  bool event_idx = true;  // negotiate VIRTIO_F_EVENT_IDX (used_event/avail_event suppression), as Linux does
  // What one H.264/HEVC input resource carries: one NAL unit (the v6 spec) or
  // one whole access unit (V4L2_PIX_FMT_H264's buffer, Chromium, GStreamer).
  // The device's decoders are told the same, as a driver and its device agree
  // on it out of band (no v6 or virtio-media field carries it).
  codec::InputUnit input_unit = codec::InputUnit::Nal;
};

// The guest machine the driver runs on.
struct GuestProfile {
  uint32_t cpus = 2;  // CPUs the interrupt handler and the application threads contend for
};

// Where things sit on the bus. Guest memory always starts at 0.
struct AddressMap {
  uint64_t mmio_base = 0xF000'0000;  // the virtio-mmio register window of the video device
};

struct PlatformProfile {
  AddressMap address_map;
  tlm_virtio::GuestMemoryProfile memory;
  tlm_virtio::BusProfile bus;
  tlm_virtio::InterruptLineProfile interrupt;
  tlm_virtio::InterruptCoalescingProfile coalescing;  // keys of the `interrupt` section
  CodecEngineProfile engine;
  GuestDriverCosts driver;
  GuestProfile guest;
  // The device's own values, of the protocol the profile is for
  // (ProtocolBinding::make_device_profile); the default protocol's unless set.
  DeviceSection device;
};

// YAML names of CostCombine: sum, max.
const NamedValues<CostCombine>& cost_combine_names();
// YAML names of OutputWrite: after_decode, during_decode.
const NamedValues<OutputWrite>& output_write_names();
const NamedValues<tlm_virtio::BusArbitration>& bus_arbitration_names();
// YAML names of codec::InputUnit: nal, access_unit.
const NamedValues<codec::InputUnit>& input_unit_names();

// Reading and writing share one description of the fields (profile_reader.h).
template <class V, class P>
void describe_cost(V& v, P& cost) {
  const Limits factor = Limits::between(0.0, TimingBounds::kMaxFactor);
  const Limits cycles = Limits::between(0, TimingBounds::kMaxCycles);
  const Limits per_item = Limits::between(0, TimingBounds::kMaxCyclesPerItem);
  v.field("cycles_per_unit", cost.cycles_per_unit, cycles);
  v.field("cycles_per_macroblock", cost.cycles_per_macroblock, per_item);
  v.field("cycles_per_byte", cost.cycles_per_byte, per_item);
  v.field("key_frame_factor", cost.key_frame_factor, factor);
  v.field("inter_frame_factor", cost.inter_frame_factor, factor);
  v.field("bipred_frame_factor", cost.bipred_frame_factor, factor);
  v.field("cycles_no_picture", cost.cycles_no_picture, cycles);
  v.choice("combine", cost.combine, cost_combine_names());
}

// YAML key of each codec's cost table, indexed by codec::CodecId.
constexpr const char* kCodecKeys[kCodecCount] = {"vp8", "vp9", "h264", "hevc", "mpeg2"};

template <class V, class Table>
void describe_cost_table(V& v, Table& table) {
  for (size_t i = 0; i < kCodecCount; ++i) v.section(kCodecKeys[i], [&](V& sub) { describe_cost(sub, table[i]); });
}

template <class V, class B>
void describe_bytes_per_macroblock(V& v, B& bytes) {
  const Limits per_mb = Limits::between(0.0, TimingBounds::kMaxBytesPerMacroblock);
  v.field("key", bytes.key, per_mb);
  v.field("inter", bytes.inter, per_mb);
  v.field("bipred", bytes.bipred, per_mb);
}

template <class V, class T>
void describe_memory_traffic(V& v, T& traffic) {
  v.field("enabled", traffic.enabled);
  v.section("read_bytes_per_macroblock", [&](V& sub) { describe_bytes_per_macroblock(sub, traffic.read_bytes_per_macroblock); });
  v.section("write_bytes_per_macroblock", [&](V& sub) { describe_bytes_per_macroblock(sub, traffic.write_bytes_per_macroblock); });
  v.field("transfers_per_job", traffic.transfers_per_job, Limits::between(1, 4096));
  v.field("outstanding_transfers", traffic.outstanding_transfers, Limits::between(1, 64));
}

template <class V, class P>
void describe_engine(V& v, P& engine) {
  v.field("clock_mhz", engine.clock_mhz, Limits::between(TimingBounds::kMinClockMhz, TimingBounds::kMaxClockMhz));
  v.field("num_cores", engine.num_cores, Limits::between(1, 256));
  v.section("decode", [&](V& sub) { describe_cost_table(sub, engine.decode); });
  v.section("encode", [&](V& sub) { describe_cost_table(sub, engine.encode); });
  v.section("memory_traffic", [&](V& sub) { describe_memory_traffic(sub, engine.memory_traffic); });
  v.choice("output_write", engine.output_write, output_write_names());
}

template <class V, class P>
void describe_driver(V& v, P& driver) {
  const Limits ns = Limits::between(0, TimingBounds::kMaxNs);
  v.field("command_submit_ns", driver.command_submit_ns, ns);
  v.field("interrupt_handle_ns", driver.interrupt_handle_ns, ns);
  v.field("frame_consume_ns", driver.frame_consume_ns, ns);
  v.field("event_idx", driver.event_idx);
  v.choice("input_unit", driver.input_unit, input_unit_names());
}

template <class V, class P>
void describe_guest(V& v, P& guest) {
  v.field("cpus", guest.cpus, Limits::between(1, 256));
}

template <class V, class P>
void describe_address_map(V& v, P& map) {
  v.field("mmio_base", map.mmio_base, Limits::between(0, double(1ull << 62)));  // the window must not wrap
}

template <class V, class P>
void describe_memory(V& v, P& memory) {
  v.field("size_bytes", memory.size_bytes, Limits::between(double(1ull << 20), double(1ull << 40)));
}

template <class V, class P>
void describe_bus(V& v, P& bus) {
  v.field("clock_mhz", bus.clock_mhz, Limits::between(TimingBounds::kMinClockMhz, TimingBounds::kMaxClockMhz));
  v.field("bytes_per_cycle", bus.bytes_per_cycle, Limits::between(1, 4096));
  v.field("latency_cycles", bus.latency_cycles, Limits::between(0, TimingBounds::kMaxCycles));
  v.field("register_latency_cycles", bus.register_latency_cycles, Limits::between(0, TimingBounds::kMaxCycles));
  v.field("burst_bytes", bus.burst_bytes, Limits::between(1, double(1u << 30)));
  v.choice("arbitration", bus.arbitration, bus_arbitration_names());
}

template <class V, class P, class C>
void describe_interrupt(V& v, P& interrupt, C& coalescing) {
  v.field("delivery_latency_ns", interrupt.delivery_latency_ns, Limits::between(0, TimingBounds::kMaxNs));
  v.field("coalesce_window_ns", coalescing.coalesce_window_ns, Limits::between(0, TimingBounds::kMaxNs));
  v.field("coalesce_answers", coalescing.coalesce_answers);
}

template <class V, class P>
void describe_platform(V& v, P& profile) {
  v.section("address_map", [&](V& sub) { describe_address_map(sub, profile.address_map); });
  v.section("memory", [&](V& sub) { describe_memory(sub, profile.memory); });
  v.section("bus", [&](V& sub) { describe_bus(sub, profile.bus); });
  v.section("interrupt", [&](V& sub) { describe_interrupt(sub, profile.interrupt, profile.coalescing); });
  v.section("engine", [&](V& sub) { describe_engine(sub, profile.engine); });
  v.section("driver", [&](V& sub) { describe_driver(sub, profile.driver); });
  v.section("guest", [&](V& sub) { describe_guest(sub, profile.guest); });
  v.section("device", [&](V& sub) { describe_device_section(sub, profile.device); });
}

// The first delay the profile's values can make that is longer than
// TimingBounds::kMaxDelayPs: the slowest unit of each codec (the largest unit
// and picture the codec layer accepts), the device's own delays at the engine
// clock (DeviceProfile::delay_out_of_bounds), a transfer of the whole guest memory.
std::optional<DelayOutOfBounds> first_delay_out_of_bounds(const PlatformProfile& profile);

// Loads a profile file; `overrides` are "key.path=value" strings applied on
// top (later ones win). Keys absent from the file keep their defaults. The
// file's `device:` section is the default protocol's device (kDefaultProtocol).
// Throws ProfileError naming file, line and key.
PlatformProfile load_platform_profile(const std::string& path, const std::vector<std::string>& overrides = {});
// A scenario's `device:` section, read over `profile.device` by the device
// profile of the scenario's protocol and checked (a ProfileError names the key).
void read_device_section(ProfileReader& scenario, PlatformProfile& profile);
// The same from YAML text; `source` names it in messages.
PlatformProfile parse_platform_profile(const std::string& yaml, const std::string& source,
                                       const std::vector<std::string>& overrides = {});
// Every field, in the layout of profiles/default.yaml (without comments).
std::string to_yaml(const PlatformProfile& profile);
// Every field as (key path, its value's YAML text), in to_yaml's order: the
// leaves of to_yaml's document read back, without writing and parsing it.
std::vector<ProfileField> profile_fields(const PlatformProfile& profile);

}  // namespace vvsim::models
