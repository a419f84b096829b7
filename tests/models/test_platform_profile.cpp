// PlatformProfile YAML: defaults, errors with their place, overrides, round trip.
#define BOOST_TEST_MODULE platform_profile
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <string>

#include "models/platform/platform_profile.h"
#include "models/platform/protocol.h"
#include "models/protocols/v6/video_device_profile_fields.h"

using namespace vvsim::models;
using vvsim::virtio_video::v6_device_profile;


namespace {

const std::string kDefaultFile = std::string(VVSIM_SOURCE_DIR) + "/profiles/default.yaml";

// The ProfileError message of parsing `yaml` (named "bad.yaml"), or "" if it parsed.
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_platform_profile(yaml, "bad.yaml", overrides);
  } catch (const ProfileError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void collect_keys(const YAML::Node& node, const std::string& prefix, std::set<std::string>& keys) {
  if (!node.IsMap()) return;
  for (const auto& entry : node) {
    const std::string path = prefix + entry.first.as<std::string>();
    keys.insert(path);
    collect_keys(entry.second, path + ".", keys);
  }
}

// Every device value unlike its default (and still valid).
vvsim::virtio_video::VideoDeviceProfile every_device_value_changed() {
  using namespace vvsim::virtio_video;
  VideoDeviceProfile d;
  d.role = DeviceRole::Encoder;
  d.codecs = {vvsim::codec::CodecId::H264, vvsim::codec::CodecId::VP8};
  d.image_formats = {"YU12", "NV12"};
  d.max_width = 1920;
  d.max_height = 1080;
  d.max_streams = 7;
  d.commandq_size = 128;
  d.eventq_size = 32;
  d.min_resources = 2;
  d.max_resources = 20;
  d.default_input_resources = 3;
  d.default_output_resources = 5;
  d.default_bitstream_buffer_size = 65536;
  d.min_bitstream_buffer_size = 8192;
  d.max_bitstream_buffer_size = 1u << 22;
  d.default_width = 640;
  d.default_height = 480;
  d.stride_alignment = 64;
  d.firmware_cycles_per_command = 1234;
  d.max_command_bytes = 4096;
  d.page_size = 65536;
  d.unaligned_sg = UnalignedSgPolicy::CpuCopy;
  d.cpu_copy_bytes_per_cycle = 4;
  d.drc_only_when_outputs_too_small = true;
  d.inject_error_after_units = 9;
  for (const auto& [name, fault] : device_fault_names()) d.faults.push_back(fault);
  d.default_bitrate = 2'000'000;
  d.min_bitrate = 20'000;
  d.max_bitrate = 50'000'000;
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_file_equals_builtin_defaults) {
  const PlatformProfile loaded = load_platform_profile(kDefaultFile);
  BOOST_TEST(to_yaml(loaded) == to_yaml(PlatformProfile{}));
  // The file spells out every key, so it documents every value.
  std::set<std::string> file_keys, builtin_keys;
  collect_keys(YAML::LoadFile(kDefaultFile), "", file_keys);
  collect_keys(YAML::Load(to_yaml(PlatformProfile{})), "", builtin_keys);
  BOOST_TEST(file_keys == builtin_keys, "default.yaml and the built-in profile list different keys");
  // Spot values, read from the commented file by hand.
  BOOST_TEST(loaded.engine.clock_mhz == 600.0);
  BOOST_TEST(loaded.engine.num_cores == 2u);
  BOOST_TEST(loaded.engine.decode[2].cycles_per_macroblock == 400u);
  BOOST_TEST(loaded.engine.encode[1].cycles_per_unit == 60000u);
  BOOST_TEST(loaded.address_map.mmio_base == 0xF0000000u);
  BOOST_TEST(loaded.driver.interrupt_handle_ns == 5000u);
}

BOOST_AUTO_TEST_CASE(absent_keys_keep_defaults) {
  const PlatformProfile profile = parse_platform_profile("engine:\n  num_cores: 4\n", "partial.yaml");
  BOOST_TEST(profile.engine.num_cores == 4u);
  BOOST_TEST(to_yaml(parse_platform_profile("", "empty.yaml")) == to_yaml(PlatformProfile{}));
  PlatformProfile expected;
  expected.engine.num_cores = 4;
  BOOST_TEST(to_yaml(profile) == to_yaml(expected));
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_errors_with_place) {
  const std::string nested = error_of("engine:\n  clock_mhz: 600\n  num_core: 2\n");
  BOOST_TEST(contains(nested, "bad.yaml:3:3"));
  BOOST_TEST(contains(nested, "unknown key 'engine.num_core'"));
  const std::string top = error_of("driver:\n  frame_consume_ns: 5\nbus_speed: 3\n");
  BOOST_TEST(contains(top, "bad.yaml:3:1"));
  BOOST_TEST(contains(top, "'bus_speed'"));
  const std::string deep = error_of("engine:\n  decode:\n    av1:\n      cycles_per_unit: 1\n");
  BOOST_TEST(contains(deep, "bad.yaml:3:5"));
  BOOST_TEST(contains(deep, "engine.decode.av1"));
}

BOOST_AUTO_TEST_CASE(wrong_types_are_errors_with_place) {
  const std::string word = error_of("engine:\n  num_cores: two\n");
  BOOST_TEST(contains(word, "bad.yaml:2:14"));
  BOOST_TEST(contains(word, "engine.num_cores"));
  BOOST_TEST(contains(word, "integer"));
  const std::string fraction = error_of("driver:\n  command_submit_ns: 1.5\n");
  BOOST_TEST(contains(fraction, "bad.yaml:2:22"));
  BOOST_TEST(contains(fraction, "driver.command_submit_ns"));
  const std::string list = error_of("engine:\n  clock_mhz: [1, 2]\n");
  BOOST_TEST(contains(list, "bad.yaml:2:14"));
  BOOST_TEST(contains(list, "engine.clock_mhz"));
  BOOST_TEST(contains(list, "a list"));
  const std::string section = error_of("address_map: 5\n");
  BOOST_TEST(contains(section, "bad.yaml:1:14"));
  BOOST_TEST(contains(section, "address_map"));
  BOOST_TEST(contains(section, "expected a map"));
  const std::string syntax = error_of("engine:\n  clock_mhz: [600\n");
  BOOST_TEST(contains(syntax, "bad.yaml:"));
  BOOST_TEST(contains(syntax, "not valid YAML"));
}

BOOST_AUTO_TEST_CASE(out_of_range_values_are_errors_with_place) {
  const std::string clock = error_of("engine:\n  clock_mhz: -600\n");
  BOOST_TEST(contains(clock, "bad.yaml:2:14"));
  BOOST_TEST(contains(clock, "engine.clock_mhz"));
  BOOST_TEST(contains(clock, "out of range"));
  BOOST_TEST(contains(error_of("engine:\n  clock_mhz: 0\n"), "must be >= 0.001"));
  const std::string cores = error_of("engine:\n  num_cores: 0\n");
  BOOST_TEST(contains(cores, "bad.yaml:2:14"));
  BOOST_TEST(contains(cores, "engine.num_cores"));
  BOOST_TEST(contains(cores, "must be >= 1"));
  const std::string negative = error_of("engine:\n  encode:\n    vp9:\n      cycles_per_byte: -5\n");
  BOOST_TEST(contains(negative, "bad.yaml:4:24"));
  BOOST_TEST(contains(negative, "engine.encode.vp9.cycles_per_byte"));
  BOOST_TEST(contains(negative, "out of range"));
  const std::string factor = error_of("engine:\n  decode:\n    h264:\n      key_frame_factor: 1000\n");
  BOOST_TEST(contains(factor, "bad.yaml:4:25"));
  BOOST_TEST(contains(factor, "engine.decode.h264.key_frame_factor"));
  const std::string huge = error_of("engine:\n  num_cores: 99999999999999999999999\n");
  BOOST_TEST(contains(huge, "out of range"));
  const std::string infinite = error_of("engine:\n  clock_mhz: .inf\n");
  BOOST_TEST(contains(infinite, "engine.clock_mhz"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  const std::string missing = std::string(VVSIM_BINARY_DIR) + "/no-such-profile.yaml";
  try {
    load_platform_profile(missing);
    BOOST_FAIL("loading a missing file succeeded");
  } catch (const ProfileError& e) {
    BOOST_TEST(contains(e.what(), missing));
  }
}

BOOST_AUTO_TEST_CASE(overrides_apply_on_top_of_file) {
  const PlatformProfile profile = load_platform_profile(
      kDefaultFile, {"engine.clock_mhz=800", "engine.decode.h264.cycles_per_macroblock=123", "engine.num_cores=3",
                     "engine.num_cores=4", "address_map.mmio_base=0x80000000", "device.firmware_cycles_per_command=77"});
  BOOST_TEST(profile.engine.clock_mhz == 800.0);
  BOOST_TEST(profile.engine.decode[2].cycles_per_macroblock == 123u);
  BOOST_TEST(profile.engine.decode[2].cycles_per_byte == 16u);  // untouched neighbour
  BOOST_TEST(profile.engine.num_cores == 4u);                     // the later override wins
  BOOST_TEST(profile.address_map.mmio_base == 0x80000000u);
  BOOST_TEST(v6_device_profile(profile).firmware_cycles_per_command == 77u);
  // Overrides on an empty document create the sections they name.
  BOOST_TEST(parse_platform_profile("", "empty.yaml", {"driver.frame_consume_ns=9"}).driver.frame_consume_ns == 9u);
}

BOOST_AUTO_TEST_CASE(override_errors_name_the_override) {
  const std::string range = error_of("engine:\n  clock_mhz: 600\n", {"engine.clock_mhz=-1"});
  BOOST_TEST(contains(range, "override 'engine.clock_mhz=-1'"));
  BOOST_TEST(contains(range, "out of range"));
  const std::string unknown = error_of("", {"engine.clock_ghz=1"});
  BOOST_TEST(contains(unknown, "override 'engine.clock_ghz=1'"));
  BOOST_TEST(contains(unknown, "unknown key"));
  const std::string shape = error_of("engine:\n  clock_mhz: 600\n", {"engine.clock_mhz.x=1"});
  BOOST_TEST(contains(shape, "override 'engine.clock_mhz.x=1'"));
  BOOST_TEST(contains(shape, "not a section"));
  // On a document without the key the override makes a section where a number belongs.
  const std::string made = error_of("", {"engine.clock_mhz.x=1"});
  BOOST_TEST(contains(made, "override 'engine.clock_mhz.x=1'"));
  BOOST_TEST(contains(made, "expected a number"));
  BOOST_TEST(contains(error_of("", {"engine.clock_mhz"}), "expected key.path=value"));
  BOOST_TEST(contains(error_of("", {"=5"}), "expected key.path=value"));
  BOOST_TEST(contains(error_of("", {"engine..clock_mhz=5"}), "expected key.path=value"));
  // A file error is still reported at its line when overrides touch other keys.
  const std::string file = error_of("engine:\n  num_cores: 0\n", {"engine.clock_mhz=700"});
  BOOST_TEST(contains(file, "bad.yaml:2:14"));
}

namespace {

// Every field set to a value unlike its default.
PlatformProfile every_field_changed() {
  PlatformProfile p;
  p.address_map.mmio_base = 0x1234'5000;
  p.memory.size_bytes = 0x1000'0000;
  p.bus.clock_mhz = 812.5;
  p.bus.bytes_per_cycle = 32;
  p.bus.latency_cycles = 7;
  p.interrupt.delivery_latency_ns = 444;
  p.engine.clock_mhz = 733.25;
  p.engine.num_cores = 5;
  uint64_t next = 1;
  for (CodecCost* table : {p.engine.decode, p.engine.encode}) {
    for (size_t i = 0; i < kCodecCount; ++i) {
      table[i].cycles_per_unit = next++;
      table[i].cycles_per_macroblock = next++;
      table[i].cycles_per_byte = next++;
      table[i].key_frame_factor = 0.1 * static_cast<double>(next++);
      table[i].inter_frame_factor = 0.1 * static_cast<double>(next++);
      table[i].bipred_frame_factor = 0.1 * static_cast<double>(next++);
      table[i].cycles_no_picture = next++;
    }
  }
  p.driver.command_submit_ns = 11;
  p.driver.interrupt_handle_ns = 22;
  p.driver.frame_consume_ns = 33;
  v6_device_profile(p) = every_device_value_changed();
  return p;
}

// Each leaf of a YAML document as (key path, the leaf written alone in flow style).
void flatten(const YAML::Node& node, const std::string& path, std::vector<ProfileField>& leaves) {
  if (node.IsMap()) {
    for (const auto& e : node) flatten(e.second, (path.empty() ? "" : path + ".") + e.first.Scalar(), leaves);
    return;
  }
  YAML::Emitter text;
  text << YAML::Flow << node;
  leaves.emplace_back(path, text.c_str());
}

}  // namespace

// Every field set to a value unlike its default, written out and read back.
BOOST_AUTO_TEST_CASE(round_trip_of_every_field) {
  const PlatformProfile original = every_field_changed();

  const std::string text = to_yaml(original);
  BOOST_TEST_MESSAGE(text);
  const PlatformProfile copy = parse_platform_profile(text, "roundtrip.yaml");
  BOOST_TEST(copy.address_map.mmio_base == 0x1234'5000u);
  BOOST_TEST(copy.memory.size_bytes == 0x1000'0000u);
  BOOST_TEST(copy.bus.clock_mhz == 812.5);
  BOOST_TEST(copy.bus.bytes_per_cycle == 32u);
  BOOST_TEST(copy.bus.latency_cycles == 7u);
  BOOST_TEST(copy.interrupt.delivery_latency_ns == 444u);
  BOOST_TEST(copy.engine.clock_mhz == 733.25);
  BOOST_TEST(copy.engine.num_cores == 5u);
  for (int kind = 0; kind < 2; ++kind) {
    const CodecCost* want = kind == 0 ? original.engine.decode : original.engine.encode;
    const CodecCost* got = kind == 0 ? copy.engine.decode : copy.engine.encode;
    for (size_t i = 0; i < kCodecCount; ++i) {
      BOOST_TEST(got[i].cycles_per_unit == want[i].cycles_per_unit);
      BOOST_TEST(got[i].cycles_per_macroblock == want[i].cycles_per_macroblock);
      BOOST_TEST(got[i].cycles_per_byte == want[i].cycles_per_byte);
      BOOST_TEST(got[i].key_frame_factor == want[i].key_frame_factor);  // exact: 17 significant digits
      BOOST_TEST(got[i].inter_frame_factor == want[i].inter_frame_factor);
      BOOST_TEST(got[i].bipred_frame_factor == want[i].bipred_frame_factor);
      BOOST_TEST(got[i].cycles_no_picture == want[i].cycles_no_picture);
    }
  }
  BOOST_TEST(copy.engine.encode[0].cycles_no_picture == 42u);  // the 42nd value assigned above
  BOOST_TEST(copy.driver.command_submit_ns == 11u);
  BOOST_TEST(copy.driver.interrupt_handle_ns == 22u);
  BOOST_TEST(copy.driver.frame_consume_ns == 33u);
  BOOST_TEST(v6_device_profile(copy).max_streams == 7u);
  BOOST_TEST((v6_device_profile(copy).faults == v6_device_profile(original).faults));
  BOOST_TEST((v6_device_profile(copy).codecs == v6_device_profile(original).codecs));
  BOOST_TEST(to_yaml(copy) == text);
}

// The device section is read by the same strict reader: unknown keys, bad
// names and values that break the device's own rules name file and line.
BOOST_AUTO_TEST_CASE(device_section_is_read_strictly) {
  const PlatformProfile profile = parse_platform_profile("device:\n  commandq_size: 16\n  codecs: [VP8]\n", "dev.yaml");
  BOOST_TEST(v6_device_profile(profile).commandq_size == 16u);
  BOOST_TEST(v6_device_profile(profile).codecs.size() == 1u);
  const std::string unknown = error_of("engine:\n  num_cores: 1\ndevice:\n  commandq_size: 16\n  bogus_key: 1\n");
  BOOST_TEST(contains(unknown, "bad.yaml:5:3"));
  BOOST_TEST(contains(unknown, "unknown key 'device.bogus_key'"));
  const std::string codec = error_of("device:\n  codecs: [VP8, AV1]\n");
  BOOST_TEST(contains(codec, "bad.yaml:2:11"));
  BOOST_TEST(contains(codec, "'AV1' is not one of VP8, VP9, H264"));
  const std::string power = error_of("device:\n  commandq_size: 48\n");
  BOOST_TEST(contains(power, "bad.yaml:2:3: key 'device'"));
  BOOST_TEST(contains(power, "commandq_size must be a power of two"));
  BOOST_TEST(contains(error_of("device:\n  commandq_size: 70000\n"), "out of range"));
  BOOST_TEST(contains(error_of("device:\n  default_width: 5000\n"), "default/max size out of range"));
}

BOOST_AUTO_TEST_CASE(mmio_window_must_lie_above_guest_memory) {
  try {
    parse_platform_profile("memory:\n  size_bytes: 0x100000000\n", "overlap.yaml");
    BOOST_FAIL("a window inside memory was accepted");
  } catch (const ProfileError& e) {
    const std::string m = e.what();
    BOOST_CHECK_NE(m.find("overlap.yaml"), std::string::npos);
    BOOST_CHECK_NE(m.find("address_map.mmio_base"), std::string::npos);
  }
  const auto ok = parse_platform_profile("memory:\n  size_bytes: 0x100000000\naddress_map:\n  mmio_base: 0x100000000\n",
                                         "moved.yaml");
  BOOST_CHECK_EQUAL(ok.address_map.mmio_base, 0x100000000ull);
}

// The settings of a run list profile_fields: the same pairs as the written
// profile read back by yaml-cpp's parser, for the defaults, every field
// changed, the shipped Venus profile and the virtio-media device.
BOOST_AUTO_TEST_CASE(profile_fields_are_the_written_profiles_leaves) {
  PlatformProfile media;
  media.device = DeviceSection(find_protocol("media")->make_device_profile());
  const PlatformProfile profiles[] = {PlatformProfile{}, every_field_changed(),
                                      load_platform_profile(std::string(VVSIM_SOURCE_DIR) + "/profiles/venus_sdm845.yaml"),
                                      media};
  for (const PlatformProfile& profile : profiles) {
    std::vector<ProfileField> leaves;
    flatten(YAML::Load(to_yaml(profile)), "", leaves);
    const std::vector<ProfileField> fields = profile_fields(profile);
    BOOST_TEST(leaves.size() > 100u);
    BOOST_REQUIRE_EQUAL(fields.size(), leaves.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      BOOST_TEST(fields[i].first == leaves[i].first);
      BOOST_TEST(fields[i].second == leaves[i].second, leaves[i].first);
    }
  }
}
