// Every shipped scenario on the packed ring (--set transport.ring=packed)
// against the same scenario on the split ring: the same exit status, frames
// (their XXH3 checksums), per-stream outcomes, events, commands and
// conformance findings. Timing may differ, and only by the ring's own
// accesses: the bus bytes apart from those stay within a few ring structures
// per command.
#define BOOST_TEST_MODULE packed_ring_scenarios
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "tests/support/vvsim_command.h"

using vvsim::test::kSrc;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;
using vvsim::test::slurp;

namespace {

nlohmann::json summary(const std::string& dir) { return nlohmann::json::parse(slurp(dir + "/summary.json")); }

// What a run did, without when: the fields a ring layout must not change.
nlohmann::json outcomes(const nlohmann::json& s) {
  nlohmann::json o;
  for (const char* key : {"outcome", "commands_by_type"}) o[key] = s[key];
  for (const auto& d : s["diagnostics"]) {  // without the time ("123 ps platform...: what")
    const std::string text = d.get<std::string>();
    o["diagnostics"].push_back(text.substr(text.find(" ps ") + 4));
  }
  o["events"] = {s["events"]["drc"], s["events"]["error"], s["events"]["received"]};
  o["device_errors"] = s["device"]["errors_returned"];
  o["conformance"] = {s["conformance"]["violations"], s["conformance"]["unexpected"]};
  for (const auto& v : s["conformance"]["list"]) o["rules"].push_back(v["rule"]);
  for (const auto& st : s["streams"]) {
    nlohmann::json kept;
    // Decoder streams' fields, then an encoder stream's.
    for (const char* key : {"name", "finished", "units_in", "units_fed", "inputs_consumed", "frames_out",
                            "frames_with_error_flag", "frames_xxh3", "drc_events", "error_events", "destroy_result",
                            "drained", "destroyed", "stopped", "device_resets", "raw_command_answers", "problems",
                            "frames_in", "units_out", "bytes_out", "unit_bytes", "key_frame_timestamps", "units_xxh3"})
      if (st.contains(key)) kept[key] = st[key];
    o["streams"].push_back(kept);
  }
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_shipped_scenario_gives_the_same_frames_and_outcomes_on_both_rings) {
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSrc + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string name = entry.path().stem().string(), file = entry.path().string();
    const auto split = run_vvsim("run " + file + " --quiet --out " + scratch("ring_split_" + name), "ring_split_" + name);
    const auto packed = run_vvsim("run " + file + " --quiet --set transport.ring=packed --out " +
                                      scratch("ring_packed_" + name),
                                  "ring_packed_" + name);
    BOOST_CHECK_MESSAGE(split.status == packed.status, name << ": exit " << split.status << " vs " << packed.status);
    const auto a = summary(scratch("ring_split_" + name)), b = summary(scratch("ring_packed_" + name));
    BOOST_CHECK_MESSAGE(b["settings"]["transport.ring"] == "packed", name << ": not run on the packed ring");
    BOOST_CHECK_MESSAGE(a["settings"].count("transport.ring") == 0, name << ": split lists the ring");
    BOOST_CHECK_MESSAGE(outcomes(a) == outcomes(b), name << ": split " << outcomes(a).dump() << "\npacked "
                                                         << outcomes(b).dump());
    // The ring structures of one command round trip come to about 100 bytes on
    // either ring; the buffers (frames, bitstream) move the same bytes on both.
    const double commands = a["device"]["commands"].get<double>() + a["events"]["received"].get<double>();
    const double bytes_a = a["bus"]["cpu_bytes"].get<double>() + a["bus"]["device_bytes"].get<double>();
    const double bytes_b = b["bus"]["cpu_bytes"].get<double>() + b["bus"]["device_bytes"].get<double>();
    BOOST_CHECK_MESSAGE(std::abs(bytes_a - bytes_b) <= 64 * (commands + 1),
                        name << ": bus bytes " << bytes_a << " vs " << bytes_b << " for " << commands << " commands");
    ++compared;
  }
  BOOST_CHECK_EQUAL(compared, 21u);
}
