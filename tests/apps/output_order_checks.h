// What the output order tests read from ffprobe and from a run's outputs:
// the display order of a stream, when each codec job ended, when a
// picture's decode stage ended.
#pragma once

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/apps/real_content.h"

namespace real_content {

// The decode index of each frame ffprobe displays: its packet position's rank among all of them.
inline std::vector<size_t> display_order(const std::string& file, const std::string& dir) {
  const auto r = run("ffprobe -v error -show_entries frame=pkt_pos -of csv=p=0 " + file, dir);
  std::vector<long> positions;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) positions.push_back(std::stol(line));
  std::vector<long> sorted = positions;
  std::sort(sorted.begin(), sorted.end());
  std::vector<size_t> indices;
  for (long p : positions) indices.push_back(std::lower_bound(sorted.begin(), sorted.end(), p) - sorted.begin());
  return indices;
}

// When each codec job of a Chrome trace ended (ns), in time order.
inline std::vector<double> codec_job_ends_ns(const std::string& trace_file) {
  std::vector<double> ends;
  const auto trace = nlohmann::json::parse(slurp(trace_file));
  for (const auto& e : trace["traceEvents"])
    if (e.value("cat", "") == "codec") ends.push_back((e["ts"].get<double>() + e["dur"].get<double>()) * 1000);
  std::sort(ends.begin(), ends.end());
  return ends;
}

// When the decode stage of the frames CSV's picture of `timestamp` ended (ns).
inline double decode_end_ns(const std::string& csv_file, const std::string& timestamp) {
  const auto rows = vvsim::test::read_csv(slurp(csv_file));
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.at("timestamp") == timestamp; });
  BOOST_REQUIRE_MESSAGE(row != rows.end(), "no picture of timestamp " + timestamp + " in " + csv_file);
  return std::stod(row->at("queued_ns")) + std::stod(row->at("submit_ns")) + std::stod(row->at("wait_core_ns")) +
         std::stod(row->at("decode_ns"));
}

}  // namespace real_content
