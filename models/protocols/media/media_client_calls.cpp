#include "models/protocols/media/media_client_calls.h"

#include <fmt/format.h>

#include "tlm_virtio/le_bytes.h"

namespace vvsim::virtio_media {

Bytes type_payload(uint32_t type) {
  Bytes b(4);
  tlm_virtio::le::put32(b.data(), type);
  return b;
}

MediaReply call_ioctl(MediaDriver& driver, uint32_t session, uint32_t code, const Bytes& payload,
                      uint32_t response_bytes) {
  std::vector<uint32_t> response;
  if (response_bytes) response.push_back(response_bytes);
  return driver.ioctl(session, code, {payload}, response);
}

bool check_reply(const MediaReply& reply, const char* what, std::vector<std::string>& problems) {
  if (reply.status == 0) return true;
  problems.push_back(fmt::format("{} failed: errno {}", what, reply.status));
  return false;
}

}  // namespace vvsim::virtio_media
