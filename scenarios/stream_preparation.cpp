// Stream preparation before a run: each stream's units read from its file or
// generated, checked against the run's input limits and, for a timing-only
// run, against what a header scan can reproduce.
#include <fmt/format.h>

#include "codec/scan_decoder.h"
#include "codec/synthetic.h"
#include "models/platform/input_limits.h"
#include "scenarios/generated_input_cache.h"
#include "scenarios/runner.h"
#include "scenarios/scan_verdict_cache.h"

namespace vvsim::scenarios {

using models::ProfileError;

namespace {

std::shared_ptr<codec::UnitSource> generated_units(const StreamSpec& spec, uint64_t default_seed,
                                                   const std::string& cache_dir) {
  const GeneratedInput& g = *spec.generate;
  codec::SyntheticStreamConfig config;
  config.codec = *spec.codec;
  config.bitrate_bps = g.bitrate_kbps * 1000;
  config.seed = g.seed != 0 ? g.seed : default_seed;
  config.keyframe_interval = g.key_frame_interval;
  if (g.change_at == 0) {
    config.segments = {{g.width, g.height, g.frames}};
  } else {
    config.segments = {{g.width, g.height, g.change_at}, {g.new_width, g.new_height, g.frames - g.change_at}};
  }
  try {
    return cached_synthetic_units(config, cache_dir);
  } catch (const ProfileError& e) {
    throw ProfileError(fmt::format("stream '{}': {}", spec.name, e.what()));
  }
}

std::shared_ptr<codec::UnitSource> file_units(StreamSpec& spec, codec::CodecId& codec) {
  auto parsed = codec::open_bitstream_file(spec.file);
  if (!parsed.status) throw ProfileError(fmt::format("stream '{}': {}", spec.name, parsed.status.error().message));
  if (parsed.units->size() == 0) throw ProfileError(fmt::format("stream '{}': {} holds no units", spec.name, spec.file));
  if (spec.codec && *spec.codec != parsed.codec)
    throw ProfileError(fmt::format("stream '{}': codec {} does not match {} ({})", spec.name,
                                   codec::fourcc_of(*spec.codec), spec.file, codec::fourcc_of(parsed.codec)));
  codec = parsed.codec;
  return parsed.units;
}

}  // namespace

std::vector<PreparedStream> prepare_streams(const Scenario& scenario, const std::string& input_override,
                                            const std::string& cache_dir) {
  std::vector<PreparedStream> out;
  uint64_t units = 0;  // of the streams so far, against kInputLimits.units_per_run
  for (size_t i = 0; i < scenario.streams.size(); ++i) {
    PreparedStream p;
    p.spec = scenario.streams[i];
    if (i == 0 && !input_override.empty()) {  // --input: the file decides the codec
      if (p.spec.encode)
        throw ProfileError(fmt::format("--input {}: stream '{}' is an encoder stream (it encodes generated frames); "
                                       "--input replaces a decoder stream's bitstream",
                                       input_override, p.spec.name));
      p.spec.file = input_override;
      p.spec.generate.reset();
      p.spec.codec.reset();
    }
    if (p.spec.encode) {
      p.codec = *p.spec.codec;
    } else if (p.spec.generate) {
      p.codec = *p.spec.codec;
      p.units = generated_units(p.spec, scenario.seed + i, generated_input_cache_dir(cache_dir));
    } else {
      p.units = file_units(p.spec, p.codec);
    }
    const uint64_t own = p.units ? p.units->size() : p.spec.encode->frames;
    units += own;
    if (units > models::kInputLimits.units_per_run)
      throw ProfileError(fmt::format("stream '{}': {} units{} (at most {} units per run: docs/scenarios.md, Limits)",
                                     p.spec.name, own, own == units ? "" : fmt::format(", {} with the streams before it", units),
                                     models::kInputLimits.units_per_run));
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// Why a header scan cannot stand in for the real decoder on this stream; empty if it can.
std::string scan_refusal(const Scenario& scenario, const PreparedStream& st, const std::string& cache_dir) {
  if (st.spec.encode) return "an encoder stream's output sizes come from the real encoder";
  if (!st.spec.misbehaviour.corrupt_units.empty())
    return "what the real decoder makes of a damaged unit cannot be scanned";
  if (auto why = codec::scan_stream_support(st.codec, *st.units); !why.empty()) return why;
  // A file may be damaged inside picture data, where no header scan looks:
  // decoded once for real beside the scan (the verdict cached). Generated
  // input is the encoder's own output, undamaged.
  if (st.spec.file.empty()) return {};
  const auto disagreement =
      cached_scan_disagreement(st.codec, *st.units, scenario.platform.device.profile().decoder_backend(st.codec), generated_input_cache_dir(cache_dir));
  return disagreement.empty() ? "" : st.spec.file + " is not what a header scan predicts (damaged?): " + disagreement;
}

}  // namespace

void check_timing_only(const Scenario& scenario, const std::vector<PreparedStream>& streams,
                       const std::string& cache_dir) {
  for (const auto& st : streams)
    if (const auto why = scan_refusal(scenario, st, cache_dir); !why.empty())
      throw ProfileError(fmt::format("stream '{}': timing-only mode refused: {}", st.spec.name, why));
}

}  // namespace vvsim::scenarios
