// The virtio-media parsers on arbitrary bytes: the command, response and
// event decoders (each must refuse a short input, never read past it), and a
// decoder session's ioctl handlers fed a sequence of ioctls with arbitrary
// codes and payloads (every answer is 0 or an errno; nothing crashes, nothing
// grows without bound), the same for an encoder session (its controls and
// ENCODER_CMD). The first byte picks the part.
#include <cstdlib>

#include "codec/scan_decoder.h"
#include "fuzz/fuzz_input.h"
#include "models/protocols/media/decoder_session.h"
#include "models/protocols/media/encoder_session.h"
#include "models/protocols/media/media_wire.h"

using namespace vvsim::virtio_media;

namespace {

void decoders(const Bytes& body) {
  (void)decode_cmd_header(body);
  (void)decode_close(body);
  (void)decode_ioctl(body);
  (void)decode_mmap(body);
  (void)decode_munmap(body);
  (void)decode_resp_status(body);
  (void)decode_resp_open(body);
  (void)decode_resp_mmap(body);
  (void)decode_event_error(body);
  (void)decode_event_dqbuf(body);
  (void)decode_event_event(body);
  if (const auto h = decode_event_header(body); h && h->kind == EventKind::Dqbuf && !decode_event_dqbuf(body)) std::abort();
  if (const auto c = decode_config(body); c && decode_config(encode(*c))->card != c->card) std::abort();
}

// Each ioctl: a code byte, then its payload (a 16-bit count and that many bytes).
template <class Session, class TakeJobs>
void ioctls(vvsim::fuzz::FuzzInput& in, Session& session, TakeJobs take_jobs) {
  for (int n = 0; n < 64; ++n) {
    const uint32_t code = in.byte();
    const Bytes payload = in.bytes(1024);
    const IoctlReply reply = session.ioctl(code, payload);
    if (reply.status > 200) std::abort();  // not a Linux errno
    take_jobs(session);
    if (session.take_outbox().size() > 64) std::abort();
  }
}

void decoder_ioctls(vvsim::fuzz::FuzzInput& in) {
  static const MediaDeviceProfile profile;
  ShmRegion shm(1ull << 30, 64ull << 20);
  DecoderSession session(1, profile, shm, [](vvsim::codec::CodecId c) { return vvsim::codec::make_scan_decoder(c); });
  ioctls(in, session, [](DecoderSession& s) { (void)s.take_capture_job(), (void)s.take_output_job(); });
}

// The encoder session's jobs are taken, not run: no library encoder is built.
void encoder_ioctls(vvsim::fuzz::FuzzInput& in) {
  static const MediaDeviceProfile profile;
  ShmRegion shm(1ull << 30, 64ull << 20);
  EncoderSession session(1, profile, shm, [](const vvsim::codec::EncoderConfig&) -> vvsim::Result<std::unique_ptr<vvsim::codec::Encoder>> {
    return vvsim::Error{"no encoder in the fuzz harness"};
  });
  ioctls(in, session, [](EncoderSession& s) { (void)s.take_coded_job(), (void)s.take_raw_job(), (void)s.take_drain_flush(); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vvsim::fuzz::FuzzInput in(data, size);
  const uint8_t part = in.byte() % 3;
  if (part == 0) decoders(in.rest());
  else if (part == 1) decoder_ioctls(in);
  else encoder_ioctls(in);
  return 0;
}
