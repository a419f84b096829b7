// A scenario: what the application in the guest does, on which platform.
// Loaded from YAML with the same strict reader as profiles: unknown keys,
// wrong types and out-of-range values are errors naming file, line and key.
// Schema and examples: docs/scenarios.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "models/platform/platform_profile.h"
#include "models/platform/protocol.h"
#include "models/platform/protocol_run.h"
#include "tlm_virtio/ring_breach.h"
#include "tlm_virtio/ring_views.h"

namespace vvsim::scenarios {

// Content made at load time: a moving test pattern, optionally changing size.
struct GeneratedInput {
  uint32_t width = 176, height = 144;
  uint32_t frames = 30;
  uint32_t change_at = 0;  // frame index of a resolution change; 0 = none
  uint32_t new_width = 320, new_height = 240;
  uint32_t bitrate_kbps = 400;
  uint32_t key_frame_interval = 0;  // 0: key frames only at the start and at the change
  uint64_t seed = 0;  // 0: the scenario's seed plus the stream's index
};

using models::EncodeSpec;

// A stream of the scenario: its input (a file, generated content, or an
// encoder's generated frames) and its application's behaviour.
struct StreamSpec : models::StreamApplication {
  std::string name;
  // Required for generated input; for a file, taken from the file when absent.
  std::optional<codec::CodecId> codec;
  std::string file;                      // a bitstream file, or empty
  std::optional<GeneratedInput> generate;  // or generated content
  std::optional<EncodeSpec> encode;        // an encoder stream (device role encoder) instead of input
};

// Driver policy: the output format a decoder stream starts with.
enum class InitialFormat {
  DeviceDefault,  // the device's (default_width x default_height) until the first key frame's DRC
  FromStream,     // the size the stream's first header declares, set before streaming
};

struct Scenario {
  std::string source;       // the file it came from
  std::string description;
  std::string protocol = models::kDefaultProtocol;  // the name its binding registered (models/platform/protocol.h)
  models::PlatformProfile platform;  // with the device's values (`device:` lands in platform.device)
  uint64_t seed = 1;
  uint64_t time_limit_ms = 60'000;  // simulated time after which a run is stopped
  tlm_virtio::RingLayout ring = tlm_virtio::RingLayout::Split;  // transport.ring: the virtqueue layout
  uint64_t withhold_eventq_us = 0;   // driver policy: post eventq buffers this late (0: at once)
  InitialFormat initial_format = InitialFormat::DeviceDefault;
  // Driver policy: the first command goes out on a chain breaking this ring rule.
  std::optional<tlm_virtio::RingBreach> ring_breach;
  // The protocol's feature bits the driver asks for (by default the binding's
  // default_driver_features; the value here is v6's, for scenarios built in
  // code); the transport's own bits are negotiated as the driver needs them.
  uint64_t driver_features = 1ull << 0 | 1ull << 1;  // v6: RESOURCE_GUEST_PAGES | RESOURCE_NON_CONTIG
  std::vector<StreamSpec> streams;
  // Conformance rules this scenario breaks on purpose (e.g. hostile raw
  // commands): reported, but not counted as unexpected.
  std::vector<std::string> expect_violations;
};

// YAML names of driver_policy.initial_format (the feature names are the
// protocol's: ProtocolBinding::driver_feature_names).
const models::NamedValues<InitialFormat>& initial_format_names();
// YAML names of transport.ring.
const models::NamedValues<tlm_virtio::RingLayout>& ring_layout_names();

// `overrides` are "key.path=value" applied to the scenario file before it is
// read ("platform.engine.num_cores=1", "streams.0.output_resources=4");
// short names: output_buffers, input_buffers (every stream), cores, clock_mhz.
// Throws models::ProfileError naming file, line and key.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
// Short knob names for --set and sweeps expanded to their full paths
// ("cores=2" -> "platform.engine.num_cores=2"; output_buffers and
// input_buffers to one override per stream of `streams`).
std::vector<std::string> expand_short_names(const std::vector<std::string>& overrides, size_t streams);
Scenario parse_scenario(const std::string& yaml, const std::string& source,
                        const std::vector<std::string>& overrides = {});

}  // namespace vvsim::scenarios
