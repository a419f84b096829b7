#include "analysis/vcd.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "analysis/frame_stages.h"

namespace vvsim::analysis {

namespace {

struct Signal {
  std::string name;
  unsigned width = 1;  // 1: a wire; otherwise an integer of this many bits
};

// VCD identifiers: strings over the printable characters '!'..'~'.
std::string identifier(size_t index) {
  std::string id;
  do {
    id += char('!' + index % 94);
    index /= 94;
  } while (index > 0);
  return id;
}

std::string value_change(const Signal& s, uint64_t value, const std::string& id) {
  if (s.width == 1) return fmt::format("{}{}\n", value ? 1 : 0, id);
  return fmt::format("b{:b} {}\n", value, id);
}

std::string identifier_safe(std::string name) {
  for (char& c : name)
    if (c == ' ' || c == ':' || c == '$') c = '_';
  return name;
}

class Dump {
 public:
  size_t add(const std::string& name, unsigned width) {
    signals_.push_back({identifier_safe(name), width});
    return signals_.size() - 1;
  }
  // A later change of the same signal at the same time replaces an earlier one.
  void change(uint64_t at_ps, size_t signal, uint64_t value) {
    changes_.push_back({at_ps, uint32_t(signal), uint32_t(changes_.size()), value});
  }
  void write(const std::string& source, const TextSink& out) {
    out(fmt::format("$version vvsim $end\n$comment {} $end\n$timescale 1ps $end\n$scope module vvsim $end\n", source));
    for (size_t i = 0; i < signals_.size(); ++i) {
      out(fmt::format("$var {} {} {} {} $end\n", signals_[i].width == 1 ? "wire" : "integer", signals_[i].width,
                      identifier(i), signals_[i].name));
    }
    out("$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    for (size_t i = 0; i < signals_.size(); ++i) out(value_change(signals_[i], 0, identifier(i)));
    out("$end\n");
    // By time, then signal; of one signal's changes at one time the last made counts.
    std::sort(changes_.begin(), changes_.end(), [](const Change& a, const Change& b) {
      return std::tie(a.at_ps, a.signal, a.order) < std::tie(b.at_ps, b.signal, b.order);
    });
    std::optional<uint64_t> written_at;
    for (size_t i = 0; i < changes_.size(); ++i) {
      const Change& c = changes_[i];
      if (i + 1 < changes_.size() && changes_[i + 1].at_ps == c.at_ps && changes_[i + 1].signal == c.signal) continue;
      if (written_at != c.at_ps) out(fmt::format("#{}\n", c.at_ps));
      written_at = c.at_ps;
      out(value_change(signals_[c.signal], c.value, identifier(c.signal)));
    }
  }

 private:
  struct Change {  // 24 bytes: a long run makes millions
    uint64_t at_ps;
    uint32_t signal;
    uint32_t order;  // when it was made, for "the last one counts"
    uint64_t value;
  };
  std::vector<Signal> signals_;
  std::vector<Change> changes_;
};

uint64_t ps(double ns) { return uint64_t(std::llround(ns * 1000.0)); }

}  // namespace

void write_run_vcd(const scenarios::Scenario& scenario, const scenarios::RunResult& result, const TextSink& out) {
  Dump dump;
  const size_t irq = dump.add("irq", 1);
  std::map<uint64_t, uint64_t> handler_end;  // delivery -> last answer reaped
  for (const auto& c : result.commands) handler_end[c.interrupted_ps] = std::max(handler_end[c.interrupted_ps], c.answered_ps);
  for (const auto& [delivered, end] : handler_end) dump.change(end, irq, 0);  // lowered before a later raise at the same time
  for (const auto& [delivered, end] : handler_end) dump.change(delivered, irq, 1);
  std::vector<size_t> cores;
  for (size_t c = 0; c < result.cores.size(); ++c) cores.push_back(dump.add(fmt::format("core{}_busy", c), 1));
  for (const auto& j : result.core_slices) dump.change(j.end_ps, cores.at(j.core), 0);
  for (const auto& j : result.core_slices)
    if (j.end_ps > j.start_ps) dump.change(j.start_ps, cores.at(j.core), 1);
  for (const auto& series : depth_series(scenario, result)) {
    const size_t id = dump.add(series.name, 32);
    for (const auto& p : series.points) dump.change(ps(p.at_ns), id, p.value);
  }
  dump.write(scenario.source, out);
}

}  // namespace vvsim::analysis
