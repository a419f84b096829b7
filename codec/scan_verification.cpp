#include "codec/scan_verification.h"

#include <fmt/format.h>

#include "codec/scan_decoder.h"

namespace vvsim::codec {

namespace {

const char* frame_type_letter(FrameType t) {
  switch (t) {
    case FrameType::Key: return "I";
    case FrameType::Inter: return "P";
    case FrameType::BiPredicted: return "B";
    case FrameType::Unknown: break;
  }
  return "-";
}

const char* status_name(UnitStatus s) {
  switch (s) {
    case UnitStatus::Ok: return "ok";
    case UnitStatus::Corrupt: return "corrupt";
    case UnitStatus::Unsupported: return "unsupported";
  }
  return "?";
}

std::string work_text(const UnitWork& w) {
  std::string text = fmt::format("work {}x{} {} MB {} B {}{}{}", w.coded_width, w.coded_height, w.macroblocks,
                                 w.bitstream_bytes, frame_type_letter(w.frame_type),
                                 w.produces_picture ? " picture" : "", w.continues_picture ? " continued" : "");
  for (const auto& p : w.further_pictures) text += fmt::format(" +{} MB {}", p.macroblocks, frame_type_letter(p.frame_type));
  return text;
}

// Everything of a report the device's timing and outputs depend on, as text
// (the message too: the device's diagnostics quote it).
std::string report_text(const DecodeResult& r) {
  std::string text = status_name(r.status);
  if (!r.message.empty()) text += " (" + r.message + ")";
  if (r.about_timestamp) text += fmt::format(" about ts {}", *r.about_timestamp);
  if (r.new_format) {
    const auto& f = *r.new_format;
    text += fmt::format(", format {}x{} visible {},{} {}x{} min buffers {}", f.coded_width, f.coded_height,
                        f.visible.left, f.visible.top, f.visible.width, f.visible.height, f.min_output_buffers);
  }
  text += fmt::format(", {} picture(s)", r.pictures.size());
  for (const auto& p : r.pictures) text += fmt::format(" [{}x{} ts {}{}]", p.width, p.height, p.timestamp, p.corrupt ? " corrupt" : "");
  return text + ", " + work_text(r.work);
}

std::string differ(const std::string& where, const std::string& scanned, const std::string& decoded,
                   DecoderBackend backend) {
  return fmt::format("{}: the header scan reports \"{}\" where the real decoder ({}) reports \"{}\"", where, scanned,
                     backend_name(backend), decoded);
}

}  // namespace

std::string scan_disagreement(CodecId codec, UnitSource& units, DecoderBackend backend) {
  auto scan = make_scan_decoder(codec, backend);
  auto real = make_decoder(codec, backend);
  for (size_t i = 0; i < units.size(); ++i) {
    const BitstreamUnit& u = units.unit(i);
    const DecodeResult result = real->decode(u.data.data(), u.data.size(), u.timestamp);
    const std::string decoded = report_text(result), scanned = report_text(scan->decode(u.data.data(), u.data.size(), u.timestamp));
    if (scanned != decoded) return differ(fmt::format("unit {}", i), scanned, decoded, backend);
    // Both refuse the content here; the device ends the stream at its first
    // refusal, so what a decoder makes of the units after it never counts.
    if (result.status == UnitStatus::Unsupported) return {};
  }
  const std::string decoded = report_text(real->flush());
  const std::string scanned = report_text(scan->flush());
  if (scanned != decoded) return differ("the flush after the last unit", scanned, decoded, backend);
  return {};
}

}  // namespace vvsim::codec
