// The bus's memory data path at burst granularity: transfers whose data
// overlap in time share the path burst by burst, by round robin or by fixed
// priority between initiators. Each booking is computed in closed form over
// the transfers it shares the path with (whole rounds at a time), not one
// event per burst. A later booking can only move an earlier one's end later;
// the owner asks for the moved end when it wakes (moved_end).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tlm_virtio/transport_profile.h"

namespace vvsim::tlm_virtio {

class BusArbiter {
 public:
  // Times are in sc_time units; `beat` is one bus cycle; a burst is
  // `burst_beats` beats (at least 1).
  BusArbiter(BusArbitration policy, uint64_t beat, uint64_t burst_beats);

  // A transfer of `beats` beats whose data may start at `ready`; returns the
  // time its data ends as now known. Bookings come in call order: one ready
  // before the path's known schedule joins where that schedule stands.
  // `now` (the simulation time) lets it forget moved ends nobody asked for.
  uint64_t book(uint64_t ticket, int initiator, uint64_t ready, uint64_t beats, uint64_t now) {
    // The common case: the one transfer listed has ended by then (an idle path).
    if (flows_.size() == 1 && flows_.front().end <= ready && beats != 0 && beat_ != 0) {
      moves_.clear();
      now_ = std::max(now_, ready);
      flows_.front() = {ticket, initiator, beats, now_ + beats * beat_, 0};
      return flows_.front().end;
    }
    return book_shared(ticket, initiator, ready, beats, now);
  }
  // What the last book() did to the bookings before it: each moved one's
  // initiator and how much later it now ends.
  struct Move {
    int initiator;
    uint64_t delay;
  };
  const std::vector<Move>& moves() const { return moves_; }
  // The end of a booking that later bookings moved, and forgets it; false if
  // it ends as booked (or was forgotten).
  bool take_moved_end(uint64_t ticket, uint64_t& end);

 private:
  struct Flow {
    uint64_t ticket;
    int initiator;
    uint64_t beats_left;
    uint64_t end;   // as last predicted
    size_t slot;    // index in flows_ while predicting
  };
  uint64_t book_shared(uint64_t ticket, int initiator, uint64_t ready, uint64_t beats, uint64_t now);
  // Serves `flows` from `at` until the first burst boundary at or after
  // `until` (or until all are done), stamping each finished flow's end in
  // ends_ (by its index in flows_ at the call, kept in Flow::slot).
  void serve(std::vector<Flow>& flows, uint64_t& at, uint64_t until);
  void serve_round_robin(std::vector<Flow>& flows, uint64_t& at, uint64_t until);
  void serve_fixed_priority(std::vector<Flow>& flows, uint64_t& at, uint64_t until);
  // Records where a newly booked flow makes every earlier one end.
  void predict_ends();
  void forget_moved_before(uint64_t now);

  BusArbitration policy_;
  uint64_t beat_, burst_beats_;
  uint64_t now_ = 0;          // the schedule has been served up to here
  std::vector<Flow> flows_;   // round robin: rotation order, next served first; priority: service order
  std::unordered_map<uint64_t, uint64_t> moved_;  // ticket -> moved end, until taken
  std::vector<Flow> scratch_;   // predict_ends' copy of flows_
  std::vector<uint64_t> ends_;  // predict_ends' result by slot
  std::vector<Move> moves_;
};

}  // namespace vvsim::tlm_virtio
