#include "tlm_virtio/bus_arbiter.h"

#include <algorithm>
#include <limits>

namespace vvsim::tlm_virtio {

namespace {
constexpr uint64_t kForever = std::numeric_limits<uint64_t>::max();
constexpr size_t kMovedKept = 64;  // moved ends nobody asked for are pruned past this many
}  // namespace

BusArbiter::BusArbiter(BusArbitration policy, uint64_t beat, uint64_t burst_beats)
    : policy_(policy), beat_(beat), burst_beats_(std::max<uint64_t>(burst_beats, 1)) {}

uint64_t BusArbiter::book_shared(uint64_t ticket, int initiator, uint64_t ready, uint64_t beats, uint64_t now) {
  moves_.clear();
  // Mostly every earlier transfer has ended by now: no need to serve them burst by burst.
  if (std::all_of(flows_.begin(), flows_.end(), [&](const Flow& f) { return f.end <= ready; }))
    flows_.clear();
  else
    serve(flows_, now_, ready);
  now_ = std::max(now_, ready);
  if (beats == 0 || beat_ == 0) return now_;  // no data, or a clock so fast a beat takes no time
  if (flows_.empty()) {  // an idle path: the common case, no prediction needed
    flows_.push_back({ticket, initiator, beats, now_ + beats * beat_, 0});
    return flows_.back().end;
  }
  Flow flow{ticket, initiator, beats, 0, 0};
  auto at = flows_.begin();  // round robin: served longest ago, so next (the one just served went last)
  if (policy_ == BusArbitration::FixedPriority)  // a lower initiator index goes first; FIFO among equals
    at = std::find_if(flows_.begin(), flows_.end(), [&](const Flow& f) { return f.initiator > initiator; });
  const size_t index = static_cast<size_t>(at - flows_.begin());
  flows_.insert(at, flow);
  predict_ends();
  forget_moved_before(now);
  return flows_[index].end;
}

bool BusArbiter::take_moved_end(uint64_t ticket, uint64_t& end) {
  if (moved_.empty()) return false;  // the common case, asked after every transfer: not even a hash
  auto it = moved_.find(ticket);
  if (it == moved_.end()) return false;
  end = it->second;
  moved_.erase(it);
  return true;
}

void BusArbiter::predict_ends() {
  scratch_ = flows_;
  for (size_t i = 0; i < scratch_.size(); ++i) scratch_[i].slot = i;
  ends_.assign(flows_.size(), 0);
  uint64_t at = now_;
  serve(scratch_, at, kForever);
  for (size_t i = 0; i < flows_.size(); ++i) {
    Flow& f = flows_[i];
    if (f.end != 0 && ends_[i] > f.end) {  // an earlier booking that now ends later
      moves_.push_back({f.initiator, ends_[i] - f.end});
      moved_[f.ticket] = ends_[i];
    }
    f.end = ends_[i];
  }
}

void BusArbiter::forget_moved_before(uint64_t now) {
  if (moved_.size() <= kMovedKept) return;
  for (auto it = moved_.begin(); it != moved_.end();) it = it->second < now ? moved_.erase(it) : std::next(it);
}

void BusArbiter::serve(std::vector<Flow>& flows, uint64_t& at, uint64_t until) {
  if (policy_ == BusArbitration::FixedPriority)
    serve_fixed_priority(flows, at, until);
  else
    serve_round_robin(flows, at, until);
}

// One burst of each flow in turn. Whole rounds in which no flow finishes are
// taken at once, so a call costs O(flows^2) steps whatever the transfer sizes.
void BusArbiter::serve_round_robin(std::vector<Flow>& flows, uint64_t& at, uint64_t until) {
  while (!flows.empty() && at < until) {
    uint64_t rounds = kForever;
    for (const Flow& f : flows) rounds = std::min(rounds, (f.beats_left - 1) / burst_beats_);
    const uint64_t round_time = flows.size() * burst_beats_ * beat_;
    if (until != kForever) rounds = std::min(rounds, (until - at) / round_time);
    if (rounds > 0) {
      at += rounds * round_time;
      for (Flow& f : flows) f.beats_left -= rounds * burst_beats_;
      continue;
    }
    Flow& f = flows.front();
    const uint64_t n = std::min(burst_beats_, f.beats_left);
    at += n * beat_;
    f.beats_left -= n;
    if (f.beats_left == 0) {
      if (&flows == &scratch_) ends_[f.slot] = at;
      flows.erase(flows.begin());
    } else {
      std::rotate(flows.begin(), flows.begin() + 1, flows.end());
    }
  }
}

// The first flow has the path until it is done; a newcomer of higher
// priority takes over at the next burst boundary.
void BusArbiter::serve_fixed_priority(std::vector<Flow>& flows, uint64_t& at, uint64_t until) {
  while (!flows.empty() && at < until) {
    Flow& f = flows.front();
    uint64_t n = f.beats_left;
    if (until != kForever) {
      const uint64_t burst_time = burst_beats_ * beat_;
      n = std::min(n, (until - at + burst_time - 1) / burst_time * burst_beats_);
    }
    at += n * beat_;
    f.beats_left -= n;
    if (f.beats_left > 0) continue;
    if (&flows == &scratch_) ends_[f.slot] = at;
    flows.erase(flows.begin());
  }
}

}  // namespace vvsim::tlm_virtio
