// The virtio-media conformance monitor on live traffic: every device rule is
// broken by its device fault (media_device_faults.h), every driver rule by a
// driver that misbehaves on purpose, and a clean decode breaks none. Each
// case checks the rule fired, and only that rule.
#define BOOST_TEST_MODULE media_conformance
#include <boost/test/unit_test.hpp>

#include <functional>
#include <set>

#include "models/protocols/media/media_binding.h"
#include "models/protocols/media/media_decode_client.h"
#include "models/protocols/media/media_ioctls.h"
#include "models/protocols/media/media_monitor.h"
#include "models/protocols/media/v4l2_constants.h"
#include "tests/codec/decode_support.h"
#include "tests/media/monitored_run.h"

using namespace vvsim;
using namespace vvsim::virtio_media;
using v4l2::bytes_of;

namespace {

constexpr uint32_t kOutput = v4l2::kBufTypeVideoOutputMplane, kCapture = v4l2::kBufTypeVideoCaptureMplane;

using test::broken_rules;

const codec::ParsedStream& vp8_stream() {
  static const auto stream = codec::read_bitstream_file(codec::test::fixture("vp8_176x144.ivf"));
  return stream;
}

void decode_vp8(MediaPlatform& p) {
  const auto& stream = vp8_stream();
  MediaDecodeConfig c;
  c.codec = stream.codec;
  c.units = std::make_shared<codec::UnitsInMemory>(stream.units);
  MediaDecodeClient(p.driver, c).run();
}

uint32_t open(MediaDriver& d) { return *d.open(); }

MediaReply get_fmt(MediaDriver& d, uint32_t s) {
  v4l2::Format f;
  f.type = kOutput;
  return d.ioctl(s, uint32_t(Ioctl::GFmt), {bytes_of(f)}, {uint32_t(v4l2::Format::kSize)});
}

using Rules = std::set<std::string>;

// CAPTURE set up before any header, from the client's own guess of the size (176x144):
// SUBSCRIBE(SOURCE_CHANGE), REQBUFS(CAPTURE, 4, MMAP), QBUF each, STREAMON.
void capture_first(MediaPlatform& p, uint32_t s) {
  p.driver.ioctl(s, uint32_t(Ioctl::SubscribeEvent), {bytes_of(v4l2::EventSubscription{v4l2::kEventSourceChange})}, {});
  p.driver.ioctl(s, uint32_t(Ioctl::ReqBufs), {bytes_of(v4l2::RequestBuffers{4, kCapture, v4l2::kMemoryMmap})},
                 {uint32_t(v4l2::RequestBuffers::kSize)});
  for (uint32_t i = 0; i < 4; ++i) {
    v4l2::Buffer b;
    b.index = i, b.type = kCapture, b.memory = v4l2::kMemoryMmap, b.length = 1;
    p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                   {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
  }
  Bytes type(4, 0);
  type[0] = uint8_t(kCapture);
  p.driver.ioctl(s, uint32_t(Ioctl::StreamOn), {type}, {});
}

// QBUF(OUTPUT) of unit `index` of the VP8 fixture into USERPTR buffer `index`: a plane of `length` bytes
// over one SG entry of a page.
MediaReply queue_unit(MediaPlatform& p, uint32_t s, uint32_t index, uint32_t length = 4096) {
  const auto& unit = vp8_stream().units[index].data;
  const uint64_t page = *p.driver.memory().allocate(4096, 4096);
  p.driver.cpu().write(page, unit.data(), unit.size());
  v4l2::Buffer b;
  b.index = index, b.type = kOutput, b.memory = v4l2::kMemoryUserptr, b.length = 1;
  Bytes sg(kSgEntrySize);
  encode(SgEntry{page, 4096}, sg.data());
  return p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), bytes_of(v4l2::Plane{uint32_t(unit.size()), length, page}), sg},
                        {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
}

// A bare client: OPEN, S_FMT(VP8), REQBUFS(OUTPUT, 4, USERPTR), STREAMON, the first `units`
// units queued; no subscription and no CAPTURE unless `with_capture`. Waits 2 ms for the device.
uint32_t queue_units(MediaPlatform& p, bool with_capture = false, uint32_t units = 4) {
  const uint32_t s = open(p.driver);
  v4l2::Format f;
  f.type = kOutput, f.pixelformat = v4l2::kPixFmtVp8, f.width = 176, f.height = 144;
  p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {uint32_t(v4l2::Format::kSize)});
  if (with_capture) capture_first(p, s);
  p.driver.ioctl(s, uint32_t(Ioctl::ReqBufs), {bytes_of(v4l2::RequestBuffers{4, kOutput, v4l2::kMemoryUserptr})},
                 {uint32_t(v4l2::RequestBuffers::kSize)});
  Bytes type(4, 0);
  type[0] = uint8_t(kOutput);
  p.driver.ioctl(s, uint32_t(Ioctl::StreamOn), {type}, {});
  for (uint32_t i = 0; i < units; ++i) BOOST_REQUIRE_EQUAL(queue_unit(p, s, i).status, 0u);
  sc_core::wait(2, sc_core::SC_MS);
  return s;
}

// OPEN, S_FMT(VP8) and the CAPTURE queue set up; the session.
uint32_t open_with_capture(MediaPlatform& p) {
  const uint32_t s = open(p.driver);
  v4l2::Format f;
  f.type = kOutput, f.pixelformat = v4l2::kPixFmtVp8, f.width = 176, f.height = 144;
  p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {uint32_t(v4l2::Format::kSize)});
  capture_first(p, s);
  return s;
}

uint32_t decoder_cmd(MediaPlatform& p, uint32_t s, uint32_t cmd) {
  v4l2::DecoderCmd c;
  c.cmd = cmd;
  return p.driver.ioctl(s, uint32_t(Ioctl::DecoderCmd), {bytes_of(c)}, {uint32_t(v4l2::DecoderCmd::kSize)}).status;
}

// REQBUFS(OUTPUT, 1, MMAP) on a new session, QUERYBUF for the plane's mem_offset, MMAP: the mapping.
RespMmap map_one_output_buffer(MediaPlatform& p, uint32_t s) {
  p.driver.ioctl(s, uint32_t(Ioctl::ReqBufs), {bytes_of(v4l2::RequestBuffers{1, kOutput, v4l2::kMemoryMmap})},
                 {uint32_t(v4l2::RequestBuffers::kSize)});
  v4l2::Buffer b;
  b.index = 0, b.type = kOutput, b.memory = v4l2::kMemoryMmap, b.length = 1;
  const auto q = p.driver.ioctl(s, uint32_t(Ioctl::QueryBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                                {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
  BOOST_REQUIRE_EQUAL(q.status, 0u);
  const auto plane = v4l2::Plane::decode(q.payload.data() + v4l2::Buffer::kSize);
  const auto mapped = p.driver.mmap(s, uint32_t(plane.m), true);
  BOOST_REQUIRE(mapped.ok());
  return *mapped;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_clean_decode_breaks_no_rule) { BOOST_TEST(broken_rules(decode_vp8).empty()); }

BOOST_AUTO_TEST_CASE(every_rule_has_an_id_side_and_section) {
  std::set<std::string> ids;
  for (const auto& r : media_rules()) {
    BOOST_TEST(ids.insert(r.id).second, r.id);
    BOOST_TEST(std::string(r.section).size() > 0u);
  }
  BOOST_TEST(ids.size() == 38u);
}

// ---- device rules, each by its fault ----

BOOST_AUTO_TEST_CASE(an_open_id_handed_out_again_breaks_session_id_unique) {
  MediaDeviceFaults f;
  f.open_returns_open_id = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { open(p.driver), open(p.driver); }, f) == Rules{"vm-session-id-unique"});
}

BOOST_AUTO_TEST_CASE(a_replaced_ioctl_answered_einval_breaks_enotty_unsupported) {
  MediaDeviceFaults f;
  f.unsupported_as_einval = true;
  const auto rules = broken_rules([](MediaPlatform& p) {
    p.driver.ioctl(open(p.driver), uint32_t(Ioctl::QueryCap), {}, {104});
  }, f);
  BOOST_TEST(rules == Rules{"vm-enotty-unsupported"});
}

BOOST_AUTO_TEST_CASE(a_success_without_its_payload_breaks_payload_written) {
  MediaDeviceFaults f;
  f.short_payload = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { get_fmt(p.driver, open(p.driver)); }, f) ==
             Rules{"vm-ioctl-payload-written"});
}

BOOST_AUTO_TEST_CASE(trimmed_dqbuf_events_break_event_len) {
  MediaDeviceFaults f;
  f.trimmed_dqbuf_events = true;
  // The driver drops the short events, as Linux does: the client never sees its buffers again; the run stalls.
  BOOST_TEST(broken_rules(decode_vp8, f).count("vm-event-len") == 1u);
}

BOOST_AUTO_TEST_CASE(an_unsubscribed_source_change_breaks_event_subscribed) {
  MediaDeviceFaults f;
  f.unsubscribed_events = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p); }, f) == Rules{"vm-event-subscribed"});
}

BOOST_AUTO_TEST_CASE(a_mapping_longer_than_its_buffer_breaks_mmap_len) {
  MediaDeviceFaults f;
  f.mmap_len_wrong = true;
  const auto rules = broken_rules(decode_vp8, f);
  BOOST_TEST(rules.count("vm-mmap-len") == 1u);
}

BOOST_AUTO_TEST_CASE(a_buffer_dequeued_twice_breaks_dqbuf_only_queued) {
  MediaDeviceFaults f;
  f.repeated_dqbuf = true;
  BOOST_TEST(broken_rules(decode_vp8, f).count("vm-dqbuf-only-queued") == 1u);
}

BOOST_AUTO_TEST_CASE(frames_without_a_source_change_break_no_frames_before_src_change) {
  MediaDeviceFaults f;
  f.no_source_change = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p, true); }, f) ==
             Rules{"dec-no-frames-before-src-change"});
}

// Without the fault the same client breaks nothing: SOURCE_CHANGE comes before the first frame.
BOOST_AUTO_TEST_CASE(capture_set_up_first_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p, true); }).empty());
}

BOOST_AUTO_TEST_CASE(a_changed_buffer_pointer_breaks_pointer_echo) {
  MediaDeviceFaults f;
  f.clobbered_buffer_pointer = true;
  BOOST_TEST(broken_rules(decode_vp8, f).count("vm-pointer-echo") == 1u);
}

BOOST_AUTO_TEST_CASE(a_selection_wider_than_the_format_breaks_sel_within_fmt) {
  MediaDeviceFaults f;
  f.selection_past_format = true;
  BOOST_TEST(broken_rules(decode_vp8, f) == Rules{"dec-sel-within-fmt"});
}

BOOST_AUTO_TEST_CASE(a_capture_timestamp_no_output_had_breaks_display_order_timestamps) {
  MediaDeviceFaults f;
  f.shifted_capture_timestamps = true;
  BOOST_TEST(broken_rules(decode_vp8, f) == Rules{"dec-display-order-timestamps"});
}

// S_FMT(OUTPUT) after REQBUFS(OUTPUT): refused EBUSY by the device (nothing broken), taken under the fault.
void set_format_with_buffers(MediaPlatform& p, uint32_t want_status) {
  const uint32_t s = open(p.driver);
  v4l2::Format f;
  f.type = kOutput, f.pixelformat = v4l2::kPixFmtVp8, f.width = 176, f.height = 144;
  p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {uint32_t(v4l2::Format::kSize)});
  p.driver.ioctl(s, uint32_t(Ioctl::ReqBufs), {bytes_of(v4l2::RequestBuffers{2, kOutput, v4l2::kMemoryMmap})},
                 {uint32_t(v4l2::RequestBuffers::kSize)});
  const auto again = p.driver.ioctl(s, uint32_t(Ioctl::SFmt), {bytes_of(f)}, {uint32_t(v4l2::Format::kSize)});
  BOOST_TEST(again.status == want_status);
}

BOOST_AUTO_TEST_CASE(a_format_change_with_buffers_breaks_sfmt_output_ebusy) {
  MediaDeviceFaults f;
  f.format_change_with_buffers = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { set_format_with_buffers(p, 0); }, f) == Rules{"dec-sfmt-output-ebusy"});
}

BOOST_AUTO_TEST_CASE(a_format_change_refused_ebusy_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { set_format_with_buffers(p, v4l2::kEbusy); }).empty());
}

// ---- driver rules, each by a driver that misbehaves ----

BOOST_AUTO_TEST_CASE(an_ioctl_on_a_session_never_opened_breaks_open_before_use) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { get_fmt(p.driver, 5); }) == Rules{"vm-open-before-use"});
}

BOOST_AUTO_TEST_CASE(an_ioctl_after_close_breaks_no_use_after_close) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const uint32_t s = open(p.driver);
    p.driver.close(s);
    get_fmt(p.driver, s);
  }) == Rules{"vm-no-use-after-close"});
}

BOOST_AUTO_TEST_CASE(a_payload_cut_short_breaks_ioctl_layout) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    p.driver.ioctl(open(p.driver), uint32_t(Ioctl::SFmt), {Bytes(100, 0)}, {uint32_t(v4l2::Format::kSize)});
  }) == Rules{"vm-ioctl-layout"});
}

// The device's error fault raises ERROR after the first unit; a driver that never closes
// the session breaks vm-error-close; one that closes it breaks nothing.
BOOST_AUTO_TEST_CASE(a_session_left_open_after_error_breaks_error_close) {
  MediaDeviceProfile failing;
  failing.inject_error_after_units = 1;  // without CAPTURE buffers only the first unit is decoded
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p); }, {}, failing) == Rules{"vm-error-close"});
}

BOOST_AUTO_TEST_CASE(a_session_closed_after_error_breaks_nothing) {
  MediaDeviceProfile failing;
  failing.inject_error_after_units = 1;  // without CAPTURE buffers only the first unit is decoded
  BOOST_TEST(broken_rules([](MediaPlatform& p) { p.driver.close(queue_units(p)); }, {}, failing).empty());
}

// ---- rules added with the session, mapping and drain checks ----

// The device's error fault raises ERROR on the first session; the guest opens a second and then closes the first.
void open_after_error(MediaPlatform& p, bool want_recycled) {
  const uint32_t failed = queue_units(p);
  BOOST_REQUIRE(p.driver.session_dead(failed));
  const uint32_t again = open(p.driver);
  BOOST_TEST((again == failed) == want_recycled);
  p.driver.close(failed);
}

BOOST_AUTO_TEST_CASE(an_errored_id_handed_out_before_its_close_breaks_error_no_recycle) {
  MediaDeviceProfile failing;
  failing.inject_error_after_units = 1;
  MediaDeviceFaults f;
  f.recycle_errored_id = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { open_after_error(p, true); }, f, failing) ==
             Rules{"vm-error-no-recycle"});
}

BOOST_AUTO_TEST_CASE(a_fresh_id_after_an_error_breaks_nothing) {
  MediaDeviceProfile failing;
  failing.inject_error_after_units = 1;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { open_after_error(p, false); }, {}, failing).empty());
}

BOOST_AUTO_TEST_CASE(a_changed_userptr_breaks_userptr_echo) {
  MediaDeviceFaults f;
  f.clobbered_plane_userptr = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p); }, f) == Rules{"vm-userptr-echo"});
}

BOOST_AUTO_TEST_CASE(userptr_buffers_queued_as_sent_break_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p); }).empty());
}

BOOST_AUTO_TEST_CASE(a_mapping_past_the_region_breaks_mmap_bounds) {
  MediaDeviceFaults f;
  f.mapping_past_region = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { map_one_output_buffer(p, open(p.driver)); }, f) ==
             Rules{"vm-mmap-bounds"});
}

// Without the fault the mapping lies inside the region, computed here from the device's own SHM length.
BOOST_AUTO_TEST_CASE(a_mapping_inside_the_region_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const RespMmap m = map_one_output_buffer(p, open(p.driver));
    BOOST_TEST(m.driver_addr + m.len <= p.device.shm().length());
  }).empty());
}

// A buffer mapped, its session closed without MUNMAP, a second session's buffer mapped.
void map_across_a_close(MediaPlatform& p, bool want_overlap) {
  const uint32_t first = open(p.driver);
  const RespMmap kept = map_one_output_buffer(p, first);
  p.driver.close(first);
  const RespMmap next = map_one_output_buffer(p, open(p.driver));
  const bool overlap = next.driver_addr < kept.driver_addr + kept.len && kept.driver_addr < next.driver_addr + next.len;
  BOOST_TEST(overlap == want_overlap);
}

BOOST_AUTO_TEST_CASE(mappings_dropped_at_close_break_mmap_persist) {
  MediaDeviceFaults f;
  f.close_drops_mappings = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { map_across_a_close(p, true); }, f) == Rules{"vm-mmap-persist"});
}

BOOST_AUTO_TEST_CASE(a_mapping_kept_past_close_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { map_across_a_close(p, false); }).empty());
}

// After MUNMAP the range is free again: a later buffer may take it without breaking mmap-persist.
BOOST_AUTO_TEST_CASE(a_range_reused_after_munmap_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const uint32_t first = open(p.driver);
    const RespMmap kept = map_one_output_buffer(p, first);
    BOOST_TEST(p.driver.munmap(kept.driver_addr) == 0u);
    p.driver.close(first);
    BOOST_TEST(map_one_output_buffer(p, open(p.driver)).driver_addr == kept.driver_addr);
  }).empty());
}

// Four frames fill the four CAPTURE buffers, so the drain STOP starts cannot end (no buffer for LAST): a second STOP
// meets it.
void stop_twice(MediaPlatform& p, uint32_t want_second) {
  const uint32_t s = queue_units(p, true);
  BOOST_TEST(decoder_cmd(p, s, v4l2::kDecCmdStop) == 0u);
  BOOST_TEST(decoder_cmd(p, s, v4l2::kDecCmdStop) == want_second);
}

BOOST_AUTO_TEST_CASE(a_stop_taken_during_a_drain_breaks_drain_ebusy) {
  MediaDeviceFaults f;
  f.drain_commands_accepted = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { stop_twice(p, 0); }, f) == Rules{"dec-drain-ebusy"});
}

BOOST_AUTO_TEST_CASE(a_stop_refused_ebusy_during_a_drain_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { stop_twice(p, v4l2::kEbusy); }).empty());
}

BOOST_AUTO_TEST_CASE(frames_after_a_last_buffer_break_stopped_after_last) {
  MediaDeviceFaults f;
  f.first_frame_flagged_last = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p, true); }, f) == Rules{"dec-stopped-after-last"});
}

// STOP on a session whose queues never streamed: success, as Drain 1's warning requires, or the fault's EINVAL.
void stop_while_idle(MediaPlatform& p, uint32_t want) {
  const uint32_t s = open(p.driver);
  BOOST_TEST(decoder_cmd(p, s, v4l2::kDecCmdStop) == want);
}

BOOST_AUTO_TEST_CASE(a_stop_refused_while_idle_breaks_stop_needs_both_streaming) {
  MediaDeviceFaults f;
  f.idle_stop_refused = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { stop_while_idle(p, v4l2::kEinval); }, f) ==
             Rules{"dec-stop-needs-both-streaming"});
}

BOOST_AUTO_TEST_CASE(a_stop_while_idle_answered_success_breaks_nothing) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) { stop_while_idle(p, 0); }).empty());
}

// A misbehaving guest: QBUF of a CAPTURE buffer it queued and never got back. The device refuses it (EINVAL).
BOOST_AUTO_TEST_CASE(a_buffer_queued_twice_breaks_qbuf_owned) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const uint32_t s = open_with_capture(p);
    v4l2::Buffer b;
    b.index = 0, b.type = kCapture, b.memory = v4l2::kMemoryMmap, b.length = 1;
    const auto r = p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                                  {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
    BOOST_TEST(r.status == v4l2::kEinval);
  }) == Rules{"vm-qbuf-owned"});
}

// Two units decoded into two of the four CAPTURE buffers, STOP: the drain ends with LAST in the third, then EOS.
// Then units 2 and 3 queued after the drain, which the device holds until a restart (Drain 3).
void drain_then_queue(MediaPlatform& p) {
  const uint32_t s = queue_units(p, true, 2);
  p.driver.ioctl(s, uint32_t(Ioctl::SubscribeEvent), {bytes_of(v4l2::EventSubscription{v4l2::kEventEos})}, {});
  BOOST_TEST(decoder_cmd(p, s, v4l2::kDecCmdStop) == 0u);
  sc_core::wait(2, sc_core::SC_MS);
  for (uint32_t i = 2; i < 4; ++i) BOOST_TEST(queue_unit(p, s, i).status == 0u);
  sc_core::wait(2, sc_core::SC_MS);
}

BOOST_AUTO_TEST_CASE(a_drain_with_its_eos_and_held_output_breaks_nothing) { BOOST_TEST(broken_rules(drain_then_queue).empty()); }

BOOST_AUTO_TEST_CASE(a_drain_without_eos_breaks_drain_eos) {
  MediaDeviceFaults f;
  f.no_eos_event = true;
  BOOST_TEST(broken_rules(drain_then_queue, f) == Rules{"dec-drain-eos"});
}

BOOST_AUTO_TEST_CASE(output_decoded_after_a_drain_breaks_drain_accept_not_process) {
  MediaDeviceFaults f;
  f.decode_after_drain = true;
  BOOST_TEST(broken_rules(drain_then_queue, f).count("dec-drain-accept-not-process") == 1u);
}

BOOST_AUTO_TEST_CASE(a_plane_fuller_than_its_length_breaks_bytesused_within_length) {
  MediaDeviceFaults f;
  f.overfilled_capture = true;
  BOOST_TEST(broken_rules([](MediaPlatform& p) { queue_units(p, true); }, f) == Rules{"vm-bytesused-within-length"});
}

// A misbehaving guest: QBUF of an index REQBUFS never gave (the device answers EINVAL).
BOOST_AUTO_TEST_CASE(a_buffer_index_past_the_count_breaks_qbuf_index_allocated) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const uint32_t s = open_with_capture(p);
    v4l2::Buffer b;
    b.index = 100, b.type = kCapture, b.memory = v4l2::kMemoryMmap, b.length = 1;
    const auto r = p.driver.ioctl(s, uint32_t(Ioctl::QBuf), {bytes_of(b), Bytes(v4l2::Plane::kSize, 0)},
                                  {uint32_t(v4l2::Buffer::kSize), uint32_t(v4l2::Plane::kSize)});
    BOOST_TEST(r.status == v4l2::kEinval);
  }) == Rules{"vm-qbuf-index-allocated"});
}

// A misbehaving guest: a USERPTR plane of two pages with an SG list of one (the device answers EINVAL).
BOOST_AUTO_TEST_CASE(an_sg_list_short_of_its_plane_breaks_sg_covers_length) {
  BOOST_TEST(broken_rules([](MediaPlatform& p) {
    const uint32_t s = queue_units(p, false, 0);
    BOOST_TEST(queue_unit(p, s, 0, 8192).status == v4l2::kEinval);
  }) == Rules{"vm-sg-covers-length"});
}

BOOST_AUTO_TEST_CASE(a_source_change_without_its_resolution_flag_breaks_src_change_resolution) {
  MediaDeviceFaults f;
  f.src_change_without_resolution = true;
  BOOST_TEST(broken_rules(decode_vp8, f).count("dec-src-change-resolution") == 1u);
}

// The clean decode raises SOURCE_CHANGE twice (first header, DRC) and EOS: three events numbered in turn.
BOOST_AUTO_TEST_CASE(skipping_event_sequence_numbers_breaks_event_sequence) {
  MediaDeviceFaults f;
  f.event_sequence_gaps = true;
  BOOST_TEST(broken_rules(decode_vp8, f) == Rules{"vm-event-sequence"});
}
