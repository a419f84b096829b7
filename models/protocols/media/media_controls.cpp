#include "models/protocols/media/media_controls.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "codec/decoder_caps.h"
#include "models/protocols/media/coded_formats.h"
#include "models/protocols/media/media_device_profile_fields.h"
#include "models/protocols/media/v4l2_constants.h"

namespace vvsim::virtio_media {

namespace {

struct ProfileControl {
  codec::CodecId codec;
  uint32_t id;
  const char* name;  // the kernel's control name
  // The enum's values in order, spelled as codec::decoder_caps names profiles
  // (libavcodec's names; VP8/VP9 by number), which are the kernel's menu strings too.
  std::vector<const char*> values;
};

const std::vector<ProfileControl>& profile_controls() {
  static const std::vector<ProfileControl> controls = {
      {codec::CodecId::H264,
       v4l2::kCidH264Profile,
       "H264 Profile",
       {"Baseline", "Constrained Baseline", "Main", "Extended", "High", "High 10", "High 422", "High 444 Predictive",
        "High 10 Intra", "High 422 Intra", "High 444 Intra", "CAVLC 444 Intra", "Scalable Baseline", "Scalable High",
        "Scalable High Intra", "Stereo High", "Multiview High", "Constrained High"}},
      {codec::CodecId::HEVC, v4l2::kCidHevcProfile, "HEVC Profile", {"Main", "Main Still Picture", "Main 10"}},
      {codec::CodecId::VP8, v4l2::kCidVp8Profile, "VP8 Profile", {"0", "1", "2", "3"}},
      {codec::CodecId::VP9, v4l2::kCidVp9Profile, "VP9 Profile", {"0", "1", "2", "3"}},
      {codec::CodecId::MPEG2,
       v4l2::kCidMpeg2Profile,
       "MPEG-2 Profile",
       {"Simple", "Main", "SNR Scalable", "Spatially Scalable", "High"}},
  };
  return controls;
}

const ProfileControl& profile_control(codec::CodecId codec) {
  for (const auto& c : profile_controls())
    if (c.codec == codec) return c;
  throw std::logic_error(fmt::format("no V4L2 profile control for {}", codec::fourcc_of(codec)));
}

ControlInfo min_buffers_control() {
  ControlInfo c;
  c.id = v4l2::kCidMinBuffersForCapture, c.type = v4l2::kCtrlTypeInteger, c.name = "Min Number of Capture Buffers";
  c.minimum = 1, c.maximum = int32_t(v4l2::kMaxFrames), c.default_value = 1;
  c.flags = v4l2::kCtrlFlagReadOnly | v4l2::kCtrlFlagVolatile;  // the stream's header sets it
  return c;
}

bool menu_offers(const ControlInfo& c, int64_t value) {
  return value >= c.minimum && value <= c.maximum && !(c.skip_mask >> value & 1);
}

}  // namespace

ControlSet::ControlSet(std::vector<ControlInfo> controls) : controls_(std::move(controls)) {
  std::sort(controls_.begin(), controls_.end(), [](const ControlInfo& a, const ControlInfo& b) { return a.id < b.id; });
  for (const auto& c : controls_) values_[c.id] = c.default_value;
}

const ControlInfo* ControlSet::find(uint32_t id) const {
  for (const auto& c : controls_)
    if (c.id == id) return &c;
  return nullptr;
}

const ControlInfo* ControlSet::query(uint32_t id) const {
  const uint32_t next = id & (v4l2::kCtrlFlagNextCtrl | v4l2::kCtrlFlagNextCompound);
  if (!next) return find(id);
  if (!(next & v4l2::kCtrlFlagNextCtrl)) return nullptr;  // only compound controls asked for
  const uint32_t after = id & ~next;
  for (const auto& c : controls_)
    if (c.id > after) return &c;
  return nullptr;
}

std::optional<std::string> ControlSet::menu_item(uint32_t id, uint32_t index) const {
  const ControlInfo* c = find(id);
  if (!c || c->type != v4l2::kCtrlTypeMenu || !menu_offers(*c, index)) return std::nullopt;
  return c->items[index];
}

uint32_t ControlSet::get(uint32_t id, int64_t& value) const {
  if (!find(id)) return v4l2::kEinval;
  value = values_.at(id);
  return 0;
}

uint32_t ControlSet::set(uint32_t id, int64_t value, bool try_only) {
  const ControlInfo* c = find(id);
  if (!c) return v4l2::kEinval;
  if (c->flags & v4l2::kCtrlFlagReadOnly) return v4l2::kEacces;
  if (value < c->minimum || value > c->maximum) return v4l2::kErange;
  if (c->type == v4l2::kCtrlTypeMenu && !menu_offers(*c, value)) return v4l2::kEinval;
  if (!try_only) values_[id] = int32_t(value);
  return 0;
}

uint32_t profile_control_id(codec::CodecId codec) { return profile_control(codec).id; }

int32_t v4l2_profile_value(codec::CodecId codec, const std::string& name) {
  const auto& values = profile_control(codec).values;
  const auto at = std::find(values.begin(), values.end(), name);
  if (at == values.end())
    throw std::logic_error(fmt::format("{} profile '{}' has no V4L2 value", codec::fourcc_of(codec), name));
  return int32_t(at - values.begin());
}

ControlInfo profile_menu(codec::CodecId codec, const MediaDeviceProfile& profile) {
  const ProfileControl& p = profile_control(codec);
  std::vector<int32_t> offered;
  for (const auto& name : codec::decoder_caps(codec, device_decoder_backend(profile, codec)).profiles)
    offered.push_back(v4l2_profile_value(codec, name));
  std::sort(offered.begin(), offered.end());
  ControlInfo c;
  c.id = p.id, c.type = v4l2::kCtrlTypeMenu, c.name = p.name;
  c.minimum = c.default_value = offered.front(), c.maximum = offered.back();
  c.items.assign(p.values.begin(), p.values.end());
  for (int32_t v = c.minimum; v <= c.maximum; ++v)
    if (!std::binary_search(offered.begin(), offered.end(), v)) c.skip_mask |= uint64_t{1} << v;
  return c;
}

std::vector<ControlInfo> decoder_controls(const MediaDeviceProfile& profile) {
  std::vector<ControlInfo> controls = {min_buffers_control()};
  for (const auto& f : kDecodedFormats) controls.push_back(profile_menu(f.codec, profile));
  return controls;
}

}  // namespace vvsim::virtio_media
