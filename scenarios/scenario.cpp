#include "scenarios/scenario.h"

#include "models/platform/input_limits.h"
#include "models/platform/yaml_document.h"
#include "codec/image_layout.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

namespace vvsim::scenarios {

using models::kInputLimits;
using models::Limits;
using models::ProfileError;
using models::ProfileReader;
using models::ProfileSection;

std::vector<std::string> expand_short_names(const std::vector<std::string>& overrides, size_t streams) {
  std::vector<std::string> out;
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    const std::string key = o.substr(0, eq), value = eq == std::string::npos ? "" : o.substr(eq);
    if (key == "output_buffers" || key == "input_buffers") {
      const std::string field = key == "output_buffers" ? "output_resources" : "input_resources";
      for (size_t i = 0; i < streams; ++i) out.push_back(fmt::format("streams.{}.{}{}", i, field, value));
    } else if (key == "cores") {
      out.push_back("platform.engine.num_cores" + value);
    } else if (key == "clock_mhz" || key == "device.clock_mhz") {
      out.push_back("platform.engine.clock_mhz" + value);
    } else {
      out.push_back(o);
    }
  }
  return out;
}

namespace {

constexpr double kMinFeedFps = 0.1;

// "00 02 00 00" or "00020000": bytes in hex, spaces allowed between pairs.
std::optional<std::vector<uint8_t>> parse_hex(const std::string& text) {
  std::string digits;
  for (char c : text)
    if (c != ' ') digits += c;
  if (digits.size() % 2 != 0 || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < digits.size(); i += 2) out.push_back(uint8_t(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return out;
}

// Generated and encoded frames obey the encoders' size rule, checked here so
// a bad size is named at its line, not found when the stream is generated.
void check_frame_size(ProfileReader& r, const char* key, uint32_t width, uint32_t height) {
  if (auto size = codec::check_encoder_size(width, height); !size) r.fail(key, size.error().message);
}

void read_generated(ProfileReader& r, GeneratedInput& g) {
  const Limits dimension = Limits::between(2, codec::kMaxCodedDimension);
  r.field("width", g.width, dimension);
  r.field("height", g.height, dimension);
  r.field("frames", g.frames, Limits::between(1, 100'000));
  r.field("change_at", g.change_at);
  r.field("new_width", g.new_width, dimension);
  r.field("new_height", g.new_height, dimension);
  r.field("bitrate_kbps", g.bitrate_kbps, Limits::between(16, 240'000));
  r.field("key_frame_interval", g.key_frame_interval, Limits::between(0, 100'000));
  r.field("seed", g.seed);
  if (g.change_at >= g.frames) r.fail("change_at", fmt::format("must be below frames ({})", g.frames));
  check_frame_size(r, "width", g.width, g.height);
  if (g.change_at > 0) check_frame_size(r, "new_width", g.new_width, g.new_height);
}

void read_encode(ProfileReader& r, EncodeSpec& e) {
  const Limits dimension = Limits::between(2, codec::kMaxCodedDimension);
  r.field("width", e.width, dimension);
  r.field("height", e.height, dimension);
  r.field("frames", e.frames, Limits::between(1, 100'000));
  r.field("bitrate_kbps", e.bitrate_kbps, Limits::between(16, 240'000));
  r.field("seed", e.seed);
  check_frame_size(r, "width", e.width, e.height);
  r.list("bitrate_changes", [&](ProfileReader& c, size_t) {
    uint32_t at = 0, kbps = 0;
    c.field("at_frame", at);
    c.field("kbps", kbps, Limits::between(16, 240'000));
    if (at >= e.frames) c.fail("at_frame", fmt::format("must be below frames ({})", e.frames));
    e.bitrate_changes.push_back({at, kbps});
  });
  r.list("force_key_frames", [&](ProfileReader& k, size_t) {
    uint32_t at = 0;
    k.field("at_frame", at);
    if (at >= e.frames) k.fail("at_frame", fmt::format("must be below frames ({})", e.frames));
    e.force_key_frames.push_back(at);
  });
  r.list("restart_capture_at", [&](ProfileReader& k, size_t) {
    uint32_t at = 0;
    k.field("at_frame", at, Limits::between(1, 100'000));  // frame 0 starts a stream anyway
    if (at >= e.frames) k.fail("at_frame", fmt::format("must be below frames ({})", e.frames));
    e.restart_capture_at.push_back(at);
  });
}

// The rate a decoder's units or an encoder's raw frames (a camera) are queued at.
void read_feed_fps(ProfileReader& r, StreamSpec& s) {
  r.field("feed_fps", s.feed_fps, Limits::between(0, 1000));
  // The last unit's feed time, units / fps, must stay a representable delay (docs/profile.md, value bounds).
  if (s.feed_fps != 0 && s.feed_fps < kMinFeedFps)
    r.fail("feed_fps", fmt::format("value {} out of range (0, or >= {} and <= 1000)", s.feed_fps, kMinFeedFps));
}

// The departures from the driver's rules a stream commits on purpose (keys of the stream itself).
void read_misbehaviour(ProfileReader& r, guest::Misbehaviour& m) {
  r.field("corrupt_units", m.corrupt_units);
  r.field("no_outputs_during_drain", m.no_outputs_during_drain);
  r.field("requeue_before_reattach", m.requeue_before_reattach);
  r.field("attach_before_format_query", m.attach_before_format_query);
  r.field("double_drain", m.double_drain);
  r.field("destroy_during_drain", m.destroy_during_drain);
  r.field("use_after_destroy", m.use_after_destroy);
  r.field("undersized_inputs", m.undersized_inputs);
  std::vector<std::string> raw;
  r.field("raw_commands", raw);
  if (raw.size() > kInputLimits.raw_commands)
    r.fail("raw_commands", fmt::format("{} commands (at most {})", raw.size(), kInputLimits.raw_commands));
  for (size_t i = 0; i < raw.size(); ++i) {
    auto bytes = parse_hex(raw[i]);
    if (!bytes) r.fail("raw_commands", fmt::format("element {} is not hex bytes (e.g. \"00 02 00 00\")", i));
    if (bytes->size() > kInputLimits.raw_command_bytes)
      r.fail("raw_commands", fmt::format("element {} has {} bytes (at most {})", i, bytes->size(),
                                         kInputLimits.raw_command_bytes));
    m.raw_commands.push_back(*bytes);
  }
  if (r.has("raw_response_bytes")) {
    uint32_t bytes = 0;
    r.field("raw_response_bytes", bytes, Limits::between(4, kInputLimits.raw_command_bytes));
    m.raw_response_bytes = bytes;
  }
}

void read_stream(ProfileReader& r, size_t index, StreamSpec& s, const std::string& base_dir) {
  s.name = fmt::format("stream{}", index);
  r.field("name", s.name);
  std::string codec_name;
  r.field("codec", codec_name);
  if (codec_name == "vp8") s.codec = codec::CodecId::VP8;
  else if (codec_name == "vp9") s.codec = codec::CodecId::VP9;
  else if (codec_name == "h264") s.codec = codec::CodecId::H264;
  else if (codec_name == "hevc") s.codec = codec::CodecId::HEVC;
  else if (codec_name == "mpeg2") s.codec = codec::CodecId::MPEG2;
  else if (!codec_name.empty()) r.fail("codec", fmt::format("'{}' is not one of vp8, vp9, h264, hevc, mpeg2", codec_name));
  if (r.has("encode")) {
    s.encode.emplace();
    r.section("encode", [&](ProfileReader& e) { read_encode(e, *s.encode); });
    if (r.has("input")) r.fail("input", "an encoder stream has 'encode', not 'input'");
    if (!s.codec) r.fail("codec", "an encoder stream needs a codec (vp8, vp9 or h264)");
    r.field("input_resources", s.input_resources, Limits::between(1, 64));
    r.field("output_resources", s.output_resources, Limits::between(1, 64));
    read_feed_fps(r, s);
    return;
  }
  r.section("input", [&](ProfileReader& in) {
    in.field("file", s.file);
    if (in.has("generate")) {
      s.generate.emplace();
      in.section("generate", [&](ProfileReader& g) { read_generated(g, *s.generate); });
    }
    if (s.file.empty() == !s.generate) in.fail("", "give exactly one of 'file' and 'generate'");
    if (!s.file.empty() && std::filesystem::path(s.file).is_relative()) s.file = base_dir + "/" + s.file;
  });
  if (!r.has("input")) r.fail("", "a stream needs an 'input'");
  if (s.generate && !s.codec) r.fail("codec", "generated input needs a codec (vp8, vp9 or h264)");
  r.field("input_resources", s.input_resources, Limits::between(1, 64));
  r.field("output_resources", s.output_resources, Limits::between(1, 64));
  r.field("input_buffer_kib", s.input_buffer_kib, Limits::between(4, 16384));
  read_feed_fps(r, s);
  r.field("output_hold_us", s.output_hold_us, Limits::between(0, 10'000'000));
  if (r.has("stop")) {
    r.section("stop", [&](ProfileReader& st) {
      uint32_t after = 0;
      st.field("after_units", after, Limits::between(1, 1'000'000));
      st.field("seek_to_unit", s.seek_to_unit);
      s.stop_after_units = after;
    });
  }
  r.field("drain_each_frame", s.drain_each_frame);
  r.field("scatter_buffers", s.scatter_buffers);
  read_misbehaviour(r, s.misbehaviour);
  if (r.has("reset_after_units")) {
    uint32_t after = 0;
    r.field("reset_after_units", after, Limits::between(1, 1'000'000));
    s.reset_after_units = after;
  }
  if (r.has("destroy_after_units")) {
    uint32_t after = 0;
    r.field("destroy_after_units", after, Limits::between(1, 1'000'000));
    s.destroy_after_units = after;
  }
}

// Streams run at once, so the device must take them all; names key CSV rows,
// VCD signals and reports, so they must differ.
void check_stream_count_and_names(const ProfileReader& r, const Scenario& s) {
  const std::optional<uint32_t> max_streams = s.platform.device.profile().max_streams();
  if (max_streams && s.streams.size() > *max_streams)
    r.fail("streams", fmt::format("{} streams, but the device takes at most {} at once (device.max_streams)",
                                  s.streams.size(), *max_streams));
  for (size_t i = 0; i < s.streams.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (s.streams[i].name == s.streams[j].name)
        r.fail("streams", fmt::format("streams.{} and streams.{} are both named '{}'", j, i, s.streams[i].name));
}

// Stream count and the frames generated or encoded at load, against kInputLimits
// (file inputs are counted when they are opened: prepare_streams).
void check_stream_limits(const ProfileReader& r, const std::vector<StreamSpec>& streams) {
  if (streams.size() > kInputLimits.streams)
    r.fail("streams", fmt::format("{} streams (at most {})", streams.size(), kInputLimits.streams));
  uint64_t frames = 0;
  for (const auto& st : streams) frames += st.generate ? st.generate->frames : st.encode ? st.encode->frames : 0;
  if (frames > kInputLimits.units_per_run)
    r.fail("streams", fmt::format("{} generated and encoded frames over all streams (at most {} units per run)", frames,
                                  kInputLimits.units_per_run));
}

}  // namespace

const models::NamedValues<InitialFormat>& initial_format_names() {
  static const models::NamedValues<InitialFormat> names = {{"device_default", InitialFormat::DeviceDefault},
                                                           {"from_stream", InitialFormat::FromStream}};
  return names;
}

const models::NamedValues<tlm_virtio::RingLayout>& ring_layout_names() {
  static const models::NamedValues<tlm_virtio::RingLayout> names = {{"split", tlm_virtio::RingLayout::Split},
                                                                    {"packed", tlm_virtio::RingLayout::Packed}};
  return names;
}

Scenario parse_scenario(const std::string& yaml, const std::string& source, const std::vector<std::string>& overrides) {
  YAML::Node root = models::parse_yaml_document(yaml, source);
  const size_t stream_count = root.IsMap() && root["streams"].IsSequence() ? root["streams"].size() : 0;
  auto applied = std::make_shared<models::OverrideMap>();
  for (const auto& o : expand_short_names(overrides, stream_count)) models::apply_override(root, o, *applied);

  Scenario s;
  s.source = source;
  const std::string base_dir = std::filesystem::path(source).parent_path().string();
  ProfileReader r(ProfileSection{root, source, "", applied});
  r.field("description", s.description);
  r.field("protocol", s.protocol);
  const models::ProtocolBinding* protocol = models::find_protocol(s.protocol);
  if (!protocol)
    r.fail("protocol", fmt::format("'{}' is not a known protocol (known: {})", s.protocol,
                                   fmt::join(models::protocol_names(), ", ")));
  s.driver_features = protocol->default_driver_features();
  std::string profile_file;
  r.field("profile", profile_file);
  if (!profile_file.empty()) {
    if (std::filesystem::path(profile_file).is_relative()) profile_file = (base_dir.empty() ? "." : base_dir) + "/" + profile_file;
    s.platform = models::load_platform_profile(profile_file);
  }
  // A profile file's device values are the default protocol's; another
  // protocol's device starts from its own defaults.
  if (s.protocol != models::kDefaultProtocol) s.platform.device = models::DeviceSection(protocol->make_device_profile());
  // On top of the profile file: the scenario's platform section, then its device section.
  r.section("platform", [&](ProfileReader& p) { models::describe_platform(p, s.platform); });
  models::read_device_section(r, s.platform);
  if (const auto bound = models::first_delay_out_of_bounds(s.platform))
    r.fail(bound->key.rfind("device.", 0) == 0 ? bound->key : "platform." + bound->key, bound->message);
  r.field("seed", s.seed);
  r.field("time_limit_ms", s.time_limit_ms, Limits::between(1, 3'600'000));
  r.field("expect_violations", s.expect_violations);
  // A rule of any protocol: a scenario written for one protocol runs under another
  // (--set protocol=...), where the other's expected breaches simply do not occur.
  std::set<std::string> rules;
  for (const auto& name : models::protocol_names())
    for (const auto& id : models::find_protocol(name)->conformance_rule_ids()) rules.insert(id);
  for (const auto& id : s.expect_violations) {
    if (!rules.count(id))
      r.fail("expect_violations", fmt::format("'{}' is not a conformance rule (see docs/conformance.md)", id));
  }
  r.section("transport", [&](ProfileReader& t) { t.choice("ring", s.ring, ring_layout_names()); });
  r.section("driver_policy", [&](ProfileReader& d) {
    d.field("withhold_eventq_us", s.withhold_eventq_us, Limits::between(0, 3'600'000'000.0));
    d.choice("initial_format", s.initial_format, initial_format_names());
    std::string breach;
    d.field("break_ring", breach);
    if (d.has("break_ring")) {
      const auto& names = tlm_virtio::ring_breach_names();
      auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return breach == n.first; });
      if (it == names.end())
        d.fail("break_ring", fmt::format("'{}' is not a ring breach (see docs/conformance.md)", breach));
      s.ring_breach = it->second;
      if (!tlm_virtio::ring_breach_has_form(it->second, s.ring == tlm_virtio::RingLayout::Packed))
        d.fail("break_ring", fmt::format("'{}' has no form on the {} ring (see docs/conformance.md)", breach,
                                         models::name_of(s.ring, ring_layout_names())));
    }
    std::vector<std::string> features;
    d.field("features", features);
    if (d.has("features")) {
      s.driver_features = 0;
      const auto& names = protocol->driver_feature_names();
      for (const auto& name : features) {
        auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) { return name == n.first; });
        if (it == names.end())
          d.fail("features", fmt::format("'{}' is not one of {}", name, models::joined_names(names)));
        s.driver_features |= 1ull << it->second;
      }
    }
  });
  r.list("streams", [&](ProfileReader& e, size_t i) {
    s.streams.emplace_back();
    read_stream(e, i, s.streams.back(), base_dir.empty() ? "." : base_dir);
  });
  r.finish();
  if (s.streams.empty()) r.fail("streams", "a scenario needs at least one stream");
  check_stream_limits(r, s.streams);
  check_stream_count_and_names(r, s);
  const bool encoder = protocol->device_encodes(s.platform);
  for (const auto& st : s.streams)
    if (st.reset_after_units && s.streams.size() > 1)
      r.fail("streams", fmt::format("stream '{}': a device reset ends every stream; reset_after_units needs a "
                                    "single-stream scenario", st.name));
  for (const auto& st : s.streams)
    if (st.encode.has_value() != encoder)
      r.fail("streams", fmt::format("stream '{}': a {} device takes {} streams", st.name, encoder ? "encoder" : "decoder",
                                    encoder ? "'encode'" : "'input'"));
  if (s.platform.address_map.mmio_base < s.platform.memory.size_bytes)
    r.fail("platform", "address_map.mmio_base lies inside guest memory");
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_scenario(models::read_yaml_file(path, "scenario"), path, overrides);
}

}  // namespace vvsim::scenarios
