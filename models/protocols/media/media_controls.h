// V4L2 controls as a virtio-media session answers them: the description
// VIDIOC_QUERYCTRL / QUERY_EXT_CTRL give (with V4L2_CTRL_FLAG_NEXT_CTRL
// enumeration in id order), the items VIDIOC_QUERYMENU gives, and the checks
// G/S/TRY of a value get, with the kernel control framework's errors (EINVAL
// for an unknown id or a skipped menu item, ERANGE out of range, EACCES for a
// read-only control). The decoder's controls: MIN_BUFFERS_FOR_CAPTURE and,
// per coded format, a profile menu listing exactly what its backend decodes
// (codec::decoder_caps).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "models/protocols/media/media_device_profile.h"

namespace vvsim::virtio_media {

struct ControlInfo {
  uint32_t id = 0, type = 0;  // v4l2_ctrl_type: INTEGER or MENU
  std::string name;
  int32_t minimum = 0, maximum = 0, step = 1, default_value = 0;
  uint32_t flags = 0;
  // MENU: item names by value (empty: not offered); skip_mask has the bits of those in [minimum, maximum].
  std::vector<std::string> items;
  uint64_t skip_mask = 0;
};

class ControlSet {
 public:
  explicit ControlSet(std::vector<ControlInfo> controls);  // any order; kept sorted by id

  // The control a QUERYCTRL / QUERY_EXT_CTRL id names: `id` itself, or with
  // NEXT_CTRL the first with a larger id (NEXT_COMPOUND alone: none, vvsim has
  // no compound controls). Null: EINVAL.
  const ControlInfo* query(uint32_t id) const;
  // QUERYMENU: the item's name; nothing (EINVAL) for no menu, an index out of range or skipped.
  std::optional<std::string> menu_item(uint32_t id, uint32_t index) const;
  // G: 0 and the current value, or an errno.
  uint32_t get(uint32_t id, int64_t& value) const;
  // S / TRY: 0 or an errno; unless `try_only`, the value becomes current.
  uint32_t set(uint32_t id, int64_t value, bool try_only);
  // The device's own change of a (read-only, volatile) control's value.
  void update(uint32_t id, int32_t value) { values_.at(id) = value; }
  int32_t current(uint32_t id) const { return values_.at(id); }

 private:
  const ControlInfo* find(uint32_t id) const;

  std::vector<ControlInfo> controls_;
  std::map<uint32_t, int32_t> values_;
};

// V4L2_CID_MPEG_VIDEO_{H264,HEVC,VP8,VP9,MPEG2}_PROFILE of a coded format.
uint32_t profile_control_id(codec::CodecId codec);
// The V4L2 enum value (<linux/v4l2-controls.h>) of a profile as codec::decoder_caps names it;
// std::logic_error for a name V4L2 has no value for.
int32_t v4l2_profile_value(codec::CodecId codec, const std::string& name);
// The profile menu of `codec`: the values of every profile its backend on `profile` decodes.
ControlInfo profile_menu(codec::CodecId codec, const MediaDeviceProfile& profile);
// The decoder session's controls: MIN_BUFFERS_FOR_CAPTURE (read-only, volatile)
// and the profile menu of every coded format it decodes.
std::vector<ControlInfo> decoder_controls(const MediaDeviceProfile& profile);

}  // namespace vvsim::virtio_media
