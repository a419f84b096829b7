// The ioctl calls the virtio-media guest applications (decode and encode
// clients) make the same way: one payload, at most one response buffer, and a
// refusal noted as the client's problem, naming the ioctl and its errno.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/protocols/media/media_driver.h"
#include "models/protocols/media/media_ioctls.h"

namespace vvsim::virtio_media {

inline uint32_t code(Ioctl i) { return uint32_t(i); }

// The 4-byte buffer type payload of STREAMON and STREAMOFF.
Bytes type_payload(uint32_t type);

// IOCTL `code` on `session` with one payload; response_bytes 0: no response buffer.
MediaReply call_ioctl(MediaDriver& driver, uint32_t session, uint32_t code, const Bytes& payload,
                      uint32_t response_bytes);

// Whether the reply is a success; if not, "WHAT failed: errno N" is appended to `problems`.
bool check_reply(const MediaReply& reply, const char* what, std::vector<std::string>& problems);

}  // namespace vvsim::virtio_media
