#include "analysis/traffic.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace vvsim::analysis {

using nlohmann::ordered_json;

std::optional<FirstFrame> first_frame(const scenarios::RunResult& result) {
  std::optional<uint64_t> first;
  for (const auto& s : result.streams) {
    std::optional<uint64_t> at;
    if (s.encode && !s.encode->units.empty()) at = s.encode->units.front().answered.value();
    if (!s.encode && s.report.frame_counts.taken > 0) at = s.report.frame_counts.first_answered.value();
    if (at && (!first || *at < *first)) first = at;
  }
  if (!first) return std::nullopt;
  FirstFrame f;
  f.at_ps = *first;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // submitted, answered
  for (const auto& c : result.commands)
    if (c.answered_ps <= f.at_ps && c.submitted_ps <= c.answered_ps) spans.push_back({c.submitted_ps, c.answered_ps});
  std::sort(spans.begin(), spans.end());
  f.commands = spans.size();
  uint64_t trip_end = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (i == 0 || spans[i].first >= trip_end) ++f.round_trips, trip_end = spans[i].second;
    else trip_end = std::max(trip_end, spans[i].second);
  }
  return f;
}

const char* queue_name(size_t index) {
  static const char* const names[] = {"commandq", "eventq"};
  return index < std::size(names) ? names[index] : "queue";
}

ordered_json traffic_json(const scenarios::RunResult& result) {
  ordered_json queues = ordered_json::array();
  for (size_t i = 0; i < result.queues.size(); ++i) {
    const auto& q = result.queues[i];
    queues.push_back({{"index", i}, {"name", queue_name(i)}, {"chains", q.chains}, {"descriptors", q.descriptors},
                      {"bytes_to_device", q.bytes_to_device}, {"bytes_to_driver", q.bytes_to_driver},
                      {"peak_chains_held", q.peak_chains_held}, {"peak_descriptors_held", q.peak_descriptors_held}});
  }
  const auto first = first_frame(result);
  ordered_json first_json;  // null: no frame
  if (first)
    first_json = {{"time_ns", double(first->at_ps) / 1000.0}, {"commands", first->commands},
                  {"round_trips", first->round_trips}};
  return ordered_json{{"queues", queues},
                      {"eventq_peak_filled", result.eventq_peak_filled},
                      {"guest_cpu_ns", result.guest_cpu_ns},
                      {"first_frame", first_json}};
}

}  // namespace vvsim::analysis
