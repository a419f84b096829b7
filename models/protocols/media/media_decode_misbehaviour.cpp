#include "models/protocols/media/media_decode_misbehaviour.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

MediaDecodeMisbehaviour::MediaDecodeMisbehaviour(guest::Misbehaviour departures)
    : departures_(std::move(departures)), damage_(departures_.corrupt_units) {}

std::vector<std::string> MediaDecodeMisbehaviour::unmodelled(const guest::Misbehaviour& departures) {
  static const char* const kModelled[] = {"corrupt_units", "no_outputs_during_drain", "raw_commands",
                                          "raw_response_bytes"};
  std::vector<std::string> keys = departures.keys_set();
  keys.erase(std::remove_if(keys.begin(), keys.end(),
                            [](const std::string& key) {
                              return std::find(std::begin(kModelled), std::end(kModelled), key) != std::end(kModelled);
                            }),
             keys.end());
  return keys;
}

const std::vector<uint8_t>& MediaDecodeMisbehaviour::unit_bytes(size_t index, const std::vector<uint8_t>& data) {
  return damage_.bytes(index, data);
}

bool MediaDecodeMisbehaviour::withholds_captures(bool draining) const {
  return departures_.no_outputs_during_drain && draining;
}

namespace {

const char* errno_name(uint32_t e) {
  switch (e) {
    case v4l2::kEperm: return "EPERM";
    case v4l2::kEio: return "EIO";
    case v4l2::kEagain: return "EAGAIN";
    case v4l2::kEnomem: return "ENOMEM";
    case v4l2::kEacces: return "EACCES";
    case v4l2::kEfault: return "EFAULT";
    case v4l2::kEbusy: return "EBUSY";
    case v4l2::kEinval: return "EINVAL";
    case v4l2::kEnotty: return "ENOTTY";
    case v4l2::kEnospc: return "ENOSPC";
    case v4l2::kEpipe: return "EPIPE";
    case v4l2::kErange: return "ERANGE";
    case v4l2::kEtimedout: return "ETIMEDOUT";
    case v4l2::kEopnotsupp: return "EOPNOTSUPP";
    default: return "errno";
  }
}

std::string answer_name(const MediaReply& reply) {
  if (reply.status == v4l2::kEtimedout && reply.written == 0) return "ETIMEDOUT (no answer)";
  if (reply.written == 0) return "no response";
  if (reply.written < kRespHeaderSize) return fmt::format("{} response bytes", reply.written);
  if (reply.status == 0) return "OK";
  return fmt::format("{} ({})", errno_name(reply.status), reply.status);
}

}  // namespace

uint32_t MediaDecodeMisbehaviour::raw_response_room(const std::vector<uint8_t>& command) {
  if (command.size() < kCmdHeaderSize) return kRespHeaderSize;
  switch (tlm_virtio::le::get32(command.data())) {
    case uint32_t(Cmd::Open): return kRespOpenSize;
    case uint32_t(Cmd::Mmap): return kRespMmapSize;
    case uint32_t(Cmd::Ioctl): {
      if (command.size() < kCmdIoctlSize) return kRespHeaderSize;
      const auto info = ioctl_info(tlm_virtio::le::get32(command.data() + 12));
      const bool writes = info && (info->dir == IoctlDir::Read || info->dir == IoctlDir::ReadWrite);
      return uint32_t(kRespHeaderSize + (writes ? info->payload : 0));
    }
    default: return kRespHeaderSize;
  }
}

void MediaDecodeMisbehaviour::after_setup(MediaDriver& driver, std::vector<std::string>& answers) const {
  for (const auto& raw : departures_.raw_commands) {
    const uint32_t room = departures_.raw_response_bytes.value_or(raw_response_room(raw));
    std::vector<uint32_t> after_header;
    if (room > kRespHeaderSize) after_header.push_back(room - uint32_t(kRespHeaderSize));
    const uint32_t session = raw.size() >= 12 ? tlm_virtio::le::get32(raw.data() + 8) : 0;
    answers.push_back(answer_name(driver.command("RAW", session, {raw}, after_header)));
  }
}

}  // namespace vvsim::virtio_media
