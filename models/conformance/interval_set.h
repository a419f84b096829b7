// A set of 64-bit values a conformance monitor remembers for a whole run (a
// stream's input timestamps, the cookies completed): kept as runs of
// consecutive values, since such values mostly count up by one (IVF frame
// indices, cookies), so a long run costs a few runs instead of a set node per
// frame. Exact either way.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>

namespace vvsim::conformance {

class IntervalSet {
 public:
  bool contains(uint64_t v) const {
    auto it = runs_.upper_bound(v);
    return it != runs_.begin() && v <= std::prev(it)->second;
  }
  void insert(uint64_t v) {
    if (contains(v)) return;
    auto next = runs_.upper_bound(v);  // the first run starting after v
    const bool joins_next = next != runs_.end() && next->first == v + 1;
    if (next != runs_.begin() && std::prev(next)->second + 1 == v) {
      auto before = std::prev(next);
      before->second = joins_next ? next->second : v;
      if (joins_next) runs_.erase(next);
      return;
    }
    const uint64_t last = joins_next ? next->second : v;
    if (joins_next) next = runs_.erase(next);
    runs_.emplace_hint(next, v, last);
  }
  void clear() { runs_.clear(); }
  size_t runs() const { return runs_.size(); }

 private:
  std::map<uint64_t, uint64_t> runs_;  // first -> last value of each run; runs neither overlap nor touch
};

}  // namespace vvsim::conformance
