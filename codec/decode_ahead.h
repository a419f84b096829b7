// Decoding ahead of the simulation on host threads. A device model hands each
// stream's units (and flushes) to its DecodeAhead in stream order as they are
// queued; host worker threads decode them in that order, up to a bound ahead
// of the taker, and the model takes each result when its simulated time needs
// it. Results are those of decoding the same calls one by one on one thread,
// whatever the thread count or scheduling: a stream's calls run one at a time,
// in order, on its own decoder.
//
// Nothing here knows of SystemC; take() blocks the calling host thread only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "codec/codec.h"

namespace vvsim::codec {

class DecodeAhead;

// The host threads shared by every stream of one device.
class DecodeWorkers {
 public:
  // `host_threads`: threads decoding in all, counting the one that takes the
  // results (it decodes too while it waits); 0 or 1 starts no thread and every
  // call runs when taken, as a plain decoder call.
  explicit DecodeWorkers(unsigned host_threads);
  ~DecodeWorkers();
  DecodeWorkers(const DecodeWorkers&) = delete;
  DecodeWorkers& operator=(const DecodeWorkers&) = delete;

  unsigned worker_threads() const { return static_cast<unsigned>(threads_.size()); }

 private:
  friend class DecodeAhead;
  void worker_loop();
  // Runs one call of a stream whose next call may start (lock held on entry and exit).
  // False when there is none.
  bool run_one(std::unique_lock<std::mutex>& lock);
  void make_ready(DecodeAhead& stream);  // lock held
  DecodeAhead* most_needed();           // lock held; out of ready_, or null

  std::mutex mutex_;
  std::condition_variable work_ready_;  // a call may start, or stopping
  std::condition_variable call_done_;   // a call finished
  std::vector<DecodeAhead*> ready_;     // streams whose next call may start
  uint64_t submitted_ = 0;              // calls submitted to every stream so far
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class DecodeAhead {
 public:
  // Decoded-ahead results a stream holds before its workers wait for the taker:
  // its pictures are what the bound costs in memory.
  static constexpr size_t kMaxDecodedAhead = 3;

  DecodeAhead(std::unique_ptr<Decoder> decoder, DecodeWorkers& workers);
  ~DecodeAhead();  // waits for a call in progress; drops the rest
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;

  // Queue decoder->decode(unit, timestamp) or decoder->flush(); the ticket takes its result.
  uint64_t submit_decode(std::vector<uint8_t> unit, uint64_t timestamp);
  uint64_t submit_flush();
  // The result of the oldest call not yet taken, which must be `ticket`; waits
  // for it (decoding meanwhile). Rethrows what the decoder threw. Pictures own
  // their planes when worker threads decode (the decoder's next call may come
  // before the picture is used), and may be lent as the decoder's are otherwise.
  DecodeResult take(uint64_t ticket);
  // Every call not taken is dropped (after the one in progress ends) and the
  // decoder is reset.
  void reset();

 private:
  friend class DecodeWorkers;
  struct Call {
    uint64_t ticket = 0;
    // Submitted before every call of any stream with a greater one: the
    // simulation takes results about in this order, so workers start the
    // smallest first.
    uint64_t order = 0;
    bool flush = false;
    std::vector<uint8_t> unit;
    uint64_t timestamp = 0;
    bool done = false;
    DecodeResult result;
    std::exception_ptr error;
  };
  bool may_start() const;             // lock held
  Call& start_next();                 // lock held; marks the next call running
  void run(Call& call);               // lock not held
  void finish(Call& call);            // lock held
  void leave_ready();                 // lock held; out of the workers' ready list
  void drop_all(std::unique_lock<std::mutex>& lock);
  uint64_t submit(Call call);

  std::unique_ptr<Decoder> decoder_;
  DecodeWorkers& workers_;
  std::deque<Call> calls_;  // not yet taken, in order; the first `done_` are done
  size_t done_ = 0;
  bool running_ = false;  // calls_[done_] is being decoded
  bool in_ready_ = false;
  uint64_t next_ticket_ = 0;
};

}  // namespace vvsim::codec
