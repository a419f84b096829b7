// The v6 and v6-async wire decoders on arbitrary bytes: the first byte picks the structure,
// the rest is its input. Each decoder must refuse a short or inconsistent
// input with a reason, never read past it; a decoded value must survive an
// encode/decode round trip unchanged.
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "models/protocols/v6/wire.h"
#include "models/protocols/v6_async/async_wire.h"

using namespace vvsim::virtio_video;

namespace {

template <typename T>
void round_trip(const vvsim::Result<T>& d, vvsim::Result<T> (*decode)(ByteSpan)) {
  if (!d) return;
  const auto bytes = to_bytes(*d);
  const auto again = decode(ByteSpan(bytes));
  if (!again || to_bytes(*again) != bytes) std::abort();  // encode and decode disagree
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vvsim::fuzz::FuzzInput in(data, size);
  const uint8_t which = in.byte();
  const uint32_t param = in.u32();
  const auto body = in.rest();
  const ByteSpan span(body);
  switch (which % 16) {
    case 0: round_trip(decode_config(span), decode_config); break;
    case 1: round_trip(decode_format_desc(span), decode_format_desc); break;
    case 2: round_trip(decode_query_caps_resp(span), decode_query_caps_resp); break;
    case 3: (void)decode_cmd_type(span); break;
    case 4: round_trip(decode_stream_cmd(span), decode_stream_cmd); break;
    case 5: round_trip(decode_stream_create_resp(span), decode_stream_create_resp); break;
    case 6: (void)decode_get_param(span); break;
    case 7: (void)decode_set_param(span); break;
    case 8: {
      if (auto type = param_type_from_wire(param & 0x3ff)) {
        (void)decode_params_union(*type, span);
        (void)decode_param_resp(*type, span);
      }
      break;
    }
    case 9: (void)decode_attach_backing_header(span); break;
    case 10: (void)decode_attach_backing(span, (param & 1) ? MemType::GuestPages : MemType::VirtioObject, param >> 24); break;
    case 11: round_trip(decode_resource_queue(span), decode_resource_queue); break;
    case 12: round_trip(decode_resource_queue_resp(span), decode_resource_queue_resp); break;
    case 13: round_trip(decode_event(span), decode_event); break;
    case 14: round_trip(decode_async_event(span), decode_async_event); break;
    case 15: {
      round_trip(decode_unblock(span), decode_unblock);
      // The v6 form of a command with a cookie goes back to the same bytes.
      const auto v6 = v6_form(span);
      if (v6 && v6->cookie && async_form(ByteSpan(v6->bytes), *v6->cookie) != body) std::abort();
      break;
    }
  }
  return 0;
}
